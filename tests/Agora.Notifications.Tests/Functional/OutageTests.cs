using Agora.Contracts.Registry;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Tests.Fakes;
using Agora.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Notifications.Tests.Functional;

public sealed class SmtpOutageTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    [Fact]
    public async Task Mail_queued_while_the_smtp_server_is_unreachable_arrives_exactly_once_when_it_is_back()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await factory.ParticipantAsync(i % 2 == 0 ? "ar" : "fr"));
        }
        factory.SmtpProxy.Cut();
        try
        {
            foreach (var id in ids)
            {
                await factory.PublishAsync(new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow));
            }
            foreach (var id in ids)
            {
                var waiting = await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.Channel == "email" && x.Attempts >= 2), "retries while SMTP is down");
                var email = waiting.Single(d => d.Channel == "email");
                Assert.Equal(DeliveryStatus.Pending, email.Status);
                Assert.StartsWith("smtp-unavailable", email.LastError, StringComparison.Ordinal);
            }
            Assert.All(ids, id => Assert.Empty(factory.Smtp.To(NotificationsFactory.EmailOf(id))));
        }
        finally
        {
            factory.SmtpProxy.Resume();
        }

        foreach (var id in ids)
        {
            await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Sent), "the email after SMTP is back");
        }
        Assert.All(ids, id => Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(id))));
    }
}

/// <summary>The service's SMTP server drops the first connections in the middle of a message.</summary>
public sealed class FlakySmtpFactory : NotificationsFactory
{
    public FlakySmtpFront Front { get; private set; } = null!;

    protected override int SmtpPort => Front.Port;

    protected override Task BeforeHostAsync()
    {
        Front = new FlakySmtpFront(Smtp.Port, drops: 2);
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await Front.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class SmtpDropTests(FlakySmtpFactory factory) : IClassFixture<FlakySmtpFactory>
{
    [Fact]
    public async Task A_connection_dropped_mid_message_is_retried_and_the_mail_arrives_once()
    {
        var id = await factory.ParticipantAsync("ar");

        await factory.PublishAsync(new ParticipantVettingDecided(id, "movement", "approved", null, DateTimeOffset.UtcNow));

        var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Sent), "the email after the drops");
        Assert.Equal(2, factory.Front.Dropped);
        Assert.Equal(3, deliveries.Single(d => d.Channel == "email").Attempts);
        var email = Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(id)));
        Assert.Equal("تمّت الموافقة على تسجيلكم", email.Subject);
    }
}

/// <summary>The service reaches RabbitMQ through a proxy a test can cut.</summary>
public sealed class BrokerOutageFactory : NotificationsFactory
{
    public TcpProxy BrokerProxy { get; private set; } = null!;

    protected override Uri ServiceBroker => new UriBuilder(Broker) { Port = BrokerProxy.Port }.Uri;

    protected override async Task BeforeHostAsync()
    {
        var infrastructure = await TestInfrastructure.GetAsync();
        BrokerProxy = new TcpProxy(infrastructure.RabbitMq.Host, infrastructure.RabbitMq.Port);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await BrokerProxy.DisposeAsync();
    }
}

public sealed class BrokerOutageTests(BrokerOutageFactory factory) : IClassFixture<BrokerOutageFactory>
{
    [Fact]
    public async Task Events_published_while_the_service_is_cut_from_the_broker_are_all_handled_once_after()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await factory.ParticipantAsync("fr"));
        }
        var bus = factory.Services.GetRequiredService<IBusControl>();

        factory.BrokerProxy.Cut();
        await Eventually.UntilAsync(() => bus.CheckHealth().Status != BusHealthStatus.Healthy, TimeSpan.FromSeconds(30), "the service to notice the broker is gone");
        foreach (var id in ids)
        {
            await factory.PublishAsync(new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow));
        }
        Assert.All(ids, id => Assert.Empty(factory.DeliveriesAsync(id).GetAwaiter().GetResult()));
        factory.BrokerProxy.Resume();

        foreach (var id in ids)
        {
            await factory.WaitForDeliveriesAsync(id, d => d.Count(x => x.Status == DeliveryStatus.Sent) == 2, "inbox and email after the broker is back");
        }
        Assert.All(ids, id => Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(id))));
        await using var scope = factory.Scope(out var db);
        Assert.Equal(5, await db.Notifications.CountAsync(n => ids.Contains(n.ParticipantId)));
    }
}
