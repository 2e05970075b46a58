using System.Collections.Concurrent;
using Agora.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agora.Messaging.Tests;

public sealed record WidgetCreated(Guid WidgetId, string Name);

public sealed class Widget
{
    public Guid Id { get; init; }
    public required string Name { get; init; }
}

/// <summary>One row per applied effect of a <see cref="WidgetCreated"/> consumer.</summary>
public sealed class WidgetEffect
{
    public Guid Id { get; init; }
    public Guid WidgetId { get; init; }
}

public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<Widget>();
        modelBuilder.Entity<WidgetEffect>();
    }
}

/// <summary>Every delivery the consumer saw, effect or not.</summary>
public sealed class Deliveries
{
    public ConcurrentQueue<(Guid MessageId, Guid WidgetId)> All { get; } = new();

    /// <summary>Deliveries the consumer finished (its effect committed, or skipped as a duplicate).</summary>
    public ConcurrentQueue<Guid> Finished { get; } = new();

    public int CountOf(Guid widgetId) => All.Count(d => d.WidgetId == widgetId);

    public int FinishedCountOf(Guid widgetId) => Finished.Count(id => id == widgetId);
}

public sealed class WidgetCreatedConsumer(TestDbContext db, Deliveries deliveries) : IConsumer<WidgetCreated>
{
    public async Task Consume(ConsumeContext<WidgetCreated> context)
    {
        deliveries.All.Enqueue((context.MessageId!.Value, context.Message.WidgetId));
        await db.ConsumeOnceAsync(context, nameof(WidgetCreatedConsumer), ct =>
        {
            db.Add(new WidgetEffect { Id = Guid.CreateVersion7(), WidgetId = context.Message.WidgetId });
            return Task.CompletedTask;
        }, TimeProvider.System);
        deliveries.Finished.Enqueue(context.Message.WidgetId);
    }
}

/// <summary>A database and a vhost for one test, and hosts running the real messaging setup on them.</summary>
public sealed class MessagingHarness : IAsyncDisposable
{
    private readonly List<IHost> hosts = [];

    private MessagingHarness(string database, Uri broker)
    {
        Database = database;
        Broker = broker;
    }

    public string Database { get; }
    public Uri Broker { get; }
    public Deliveries Deliveries { get; } = new();
    public Attempts Attempts { get; } = new();

    public static async Task<MessagingHarness> CreateAsync()
    {
        var infra = await TestInfrastructure.GetAsync();
        var harness = new MessagingHarness(await infra.CreateDatabaseAsync("messaging"), await infra.CreateVirtualHostAsync("messaging"));
        await using var db = harness.NewDbContext();
        // A test-only model: its schema comes from the model itself (services use migrations).
        await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript());
        return harness;
    }

    public TestDbContext NewDbContext() =>
        new(new DbContextOptionsBuilder<TestDbContext>().UseNpgsql(Database).UseSnakeCaseNamingConvention().Options);

    /// <summary>Starts a host with the outbox relay and, when asked, the consumer; <paramref name="broker"/> overrides the address (e.g. a proxy).</summary>
    public Task<IHost> StartHostAsync(string service, bool consume, Uri? broker = null) =>
        StartHostAsync(service, bus =>
        {
            if (consume)
            {
                bus.AddConsumer<WidgetCreatedConsumer>();
            }
        }, broker: broker);

    /// <summary>Starts a host with the outbox relay, the consumers <paramref name="consumers"/> registers and the services <paramref name="services"/> adds.</summary>
    public async Task<IHost> StartHostAsync(string service, Action<IBusRegistrationConfigurator> consumers,
        Action<IServiceCollection>? services = null, Uri? broker = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:testdb"] = Database,
            ["ConnectionStrings:rabbitmq"] = (broker ?? Broker).ToString(),
            ["Messaging:Outbox:PollInterval"] = "00:00:00.050",
            ["Messaging:Outbox:MaxBackoff"] = "00:00:01",
            ["Messaging:Outbox:PublishTimeout"] = "00:00:03",
        });
        builder.AddServiceDatabase<TestDbContext>("testdb");
        builder.AddAgoraMessaging<TestDbContext>(service, consumers);
        builder.Services.AddSingleton(Deliveries);
        builder.Services.AddSingleton(Attempts);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        hosts.Add(host);
        // The bus starts in the background; wait until its endpoints (and queues) exist.
        var health = await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
        if (health != BusHealthStatus.Healthy)
        {
            throw new TimeoutException($"The bus of '{service}' did not become healthy: {health}");
        }
        return host;
    }

    /// <summary>Saves <paramref name="count"/> widgets and their events in one transaction.</summary>
    public async Task<List<Guid>> CreateWidgetsAsync(int count)
    {
        await using var db = NewDbContext();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7();
            db.Add(new Widget { Id = id, Name = $"w{i}" });
            db.AddEvent(new WidgetCreated(id, $"w{i}"), DateTimeOffset.UtcNow);
            ids.Add(id);
        }
        await db.SaveChangesAsync();
        return ids;
    }

    /// <summary>Saves a widget and its event in one transaction.</summary>
    public async Task<Guid> CreateWidgetAsync(string name)
    {
        await using var db = NewDbContext();
        var id = Guid.CreateVersion7();
        db.Add(new Widget { Id = id, Name = name });
        db.AddEvent(new WidgetCreated(id, name), DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<int> UnsentCountAsync()
    {
        await using var db = NewDbContext();
        return await db.Set<OutboxMessage>().CountAsync(m => m.SentAt == null);
    }

    public async Task<int> EffectCountAsync(Guid widgetId)
    {
        await using var db = NewDbContext();
        return await db.Set<WidgetEffect>().CountAsync(e => e.WidgetId == widgetId);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
