using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Recipients;
using Agora.Notifications.Tests.Fakes;
using Agora.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Notifications.Tests;

/// <summary>
/// The notifications service in process on its own database and vhost, with a real SMTP server
/// (behind a <see cref="TcpProxy"/> a test can cut), a fake registry (token endpoint + Contacts gRPC)
/// and a fake SMS provider, all on loopback; plus a bus of the test's own to publish events.
/// </summary>
public class NotificationsFactory() : ServiceFactory<NotificationsMarker, NotificationsDbContext>("notificationsdb")
{
    private IBusControl? testBus;

    public SmtpSink Smtp { get; } = new();
    public TcpProxy SmtpProxy { get; private set; } = null!;
    public FakeRegistry Registry { get; } = new();
    public FakeSmsProvider Sms { get; } = new();

    /// <summary>Where the service reaches the SMTP server (through <see cref="SmtpProxy"/> unless a subclass says otherwise).</summary>
    protected virtual int SmtpPort => SmtpProxy.Port;

    /// <summary>Where the service reaches the broker (a test may put a proxy in between).</summary>
    protected virtual Uri ServiceBroker => Broker;

    public override async Task InitializeAsync()
    {
        Smtp.Start();
        SmtpProxy = new TcpProxy("127.0.0.1", Smtp.Port);
        await Registry.StartAsync();
        await Sms.StartAsync();
        await BeforeHostAsync();
        await base.InitializeAsync();
        var broker = BrokerAddress.Parse(Broker.ToString());
        testBus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(broker.Host, broker.Port, broker.VirtualHost, h =>
        {
            h.Username(broker.Username);
            h.Password(broker.Password);
            h.PublisherConfirmation = true;
        }));
        await testBus.StartAsync();
        var bus = Services.GetRequiredService<IBusControl>();
        await Eventually.UntilAsync(() => bus.CheckHealth().Status == BusHealthStatus.Healthy, TimeSpan.FromSeconds(60), "the service's bus to be ready");
    }

    /// <summary>A hook for subclasses that need something started before the host is built.</summary>
    protected virtual Task BeforeHostAsync() => Task.CompletedTask;

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("ConnectionStrings:rabbitmq", ServiceBroker.ToString()),
        new("Notifications:Smtp:Host", "127.0.0.1"),
        new("Notifications:Smtp:Port", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Notifications:Smtp:From", "Agora <no-reply@agora.tn>"),
        new("Notifications:Smtp:Timeout", "00:00:05"),
        new("Notifications:Sms:BaseUrl", Sms.BaseUrl.ToString()),
        new("Notifications:Sms:Timeout", "00:00:05"),
        new("Notifications:RegistryGrpc", $"http://127.0.0.1:{Registry.GrpcPort}"),
        new("Notifications:Auth:TokenEndpoint", $"http://127.0.0.1:{Registry.TokenPort}/connect/token"),
        new("Notifications:Auth:ClientId", FakeRegistry.ClientId),
        new("Notifications:Auth:ClientSecret", FakeRegistry.ClientSecret),
        new("Notifications:Delivery:PollInterval", "00:00:00.100"),
        new("Notifications:Delivery:InitialBackoff", "00:00:00.200"),
        new("Notifications:Delivery:MaxBackoff", "00:00:01"),
        new("Notifications:Reminders:PollInterval", "00:00:00.100"),
        new("Notifications:Announcements:BatchSize", "2"),
    ];

    /// <summary>Publishes an event as another service would (through RabbitMQ), with a chosen MessageId to simulate redelivery.</summary>
    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        testBus!.Publish(message, ctx => ctx.MessageId = messageId ?? NewId.NextGuid());

    /// <summary>A participant known to the service (read model) and to the registry (contact details).</summary>
    public async Task<Guid> ParticipantAsync(string language = "ar", string kind = "individual", string? governorate = null,
        string? email = "", string? phone = null, params string[] fallbacks)
    {
        var id = Guid.CreateVersion7();
        Registry.Add(id, email == "" ? $"p-{id:N}@example.tn" : email, phone, language, fallbacks);
        await using var scope = Scope(out var db);
        db.Participants.Add(new KnownParticipant { ParticipantId = id, Kind = kind, Language = language, Governorate = governorate, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return id;
    }

    public static string EmailOf(Guid id) => $"p-{id:N}@example.tn";

    public async Task<List<Delivery>> DeliveriesAsync(Guid participantId)
    {
        await using var scope = Scope(out var db);
        return await db.Deliveries.AsNoTracking().Where(d => d.ParticipantId == participantId).OrderBy(d => d.CreatedAt).ToListAsync();
    }

    public async Task<List<Delivery>> WaitForDeliveriesAsync(Guid participantId, Func<List<Delivery>, bool> done, string because) =>
        await Eventually.GetAsync(() => DeliveriesAsync(participantId), done, TimeSpan.FromSeconds(30), because);

    public override async ValueTask DisposeAsync()
    {
        if (testBus is not null)
        {
            await testBus.StopAsync();
        }
        await base.DisposeAsync();
        await SmtpProxy.DisposeAsync();
        await Smtp.DisposeAsync();
        await Registry.DisposeAsync();
        await Sms.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
