using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Agora.Testing;

/// <summary>
/// One service in process on a database and a vhost of its own (per test class), with its
/// migrations applied the way the <c>--migrate</c> step applies them.
/// </summary>
/// <typeparam name="TMarker">A type from the service's assembly (its <c>…Marker</c>).</typeparam>
public class ServiceFactory<TMarker, TDbContext>(string connectionName) : WebApplicationFactory<TMarker>, IAsyncLifetime
    where TMarker : class
    where TDbContext : DbContext
{
    public string DatabaseConnectionString { get; private set; } = "";

    public Uri Broker { get; private set; } = null!;

    public TestInfrastructure Infrastructure { get; private set; } = null!;

    /// <summary>Extra settings for a test class, applied over the service's appsettings.json.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    public virtual async Task InitializeAsync()
    {
        Infrastructure = await TestInfrastructure.GetAsync();
        DatabaseConnectionString = await Infrastructure.CreateDatabaseAsync(typeof(TMarker).Name);
        Broker = await Infrastructure.CreateVirtualHostAsync(typeof(TMarker).Name);
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TDbContext>().Database.MigrateAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting($"ConnectionStrings:{connectionName}", DatabaseConnectionString);
        builder.UseSetting("ConnectionStrings:rabbitmq", Broker.ToString());
        builder.UseSetting("Messaging:Outbox:PollInterval", "00:00:00.050");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services => services.TrustTestTokens());
    }

    /// <summary>A client that calls the service as <paramref name="participantId"/> with <paramref name="roles"/>.</summary>
    public HttpClient ClientFor(Guid participantId, params string[] roles) => CreateClient().WithToken(TestTokens.For(participantId, roles));

    /// <summary>A fresh DbContext of the service, for arranging and asserting on its data.</summary>
    public AsyncServiceScope Scope(out TDbContext db)
    {
        var scope = Services.CreateAsyncScope();
        db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        return scope;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
