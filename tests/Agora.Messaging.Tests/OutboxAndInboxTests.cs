using Agora.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Messaging.Tests;

public sealed class OutboxAndInboxTests
{
    [Fact]
    public async Task An_event_of_a_rolled_back_transaction_is_never_published()
    {
        await using var harness = await MessagingHarness.CreateAsync();
        await harness.StartHostAsync("rollback", consume: true);

        var rolledBack = Guid.CreateVersion7();
        await using (var db = harness.NewDbContext())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            db.Add(new Widget { Id = rolledBack, Name = "never" });
            db.AddEvent(new WidgetCreated(rolledBack, "never"), DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }
        var committed = await harness.CreateWidgetAsync("committed");

        await Eventually.UntilAsync(() => harness.Deliveries.CountOf(committed) == 1, because: "the committed event arrives");
        Assert.Equal(0, harness.Deliveries.CountOf(rolledBack));
        await using var check = harness.NewDbContext();
        Assert.False(await check.Set<Widget>().AnyAsync(w => w.Id == rolledBack));
        await Eventually.UntilAsync(async () => await harness.UnsentCountAsync() == 0, because: "the relay marks the committed event sent (its consumer can get it before the relay has the confirm)");
    }

    [Fact]
    public async Task A_message_delivered_twice_has_one_effect()
    {
        await using var harness = await MessagingHarness.CreateAsync();
        var host = await harness.StartHostAsync("twice", consume: true);
        var bus = host.Services.GetRequiredService<IBus>();
        var widget = Guid.CreateVersion7();
        var messageId = NewId.NextGuid();

        // The same message (same MessageId) delivered twice in a row, then twice at once.
        await bus.Publish(new WidgetCreated(widget, "dup"), c => c.MessageId = messageId);
        await Eventually.UntilAsync(() => harness.Deliveries.CountOf(widget) == 1);
        await bus.Publish(new WidgetCreated(widget, "dup"), c => c.MessageId = messageId);
        await Task.WhenAll(
            bus.Publish(new WidgetCreated(widget, "dup"), c => c.MessageId = messageId),
            bus.Publish(new WidgetCreated(widget, "dup"), c => c.MessageId = messageId));

        await Eventually.UntilAsync(() => harness.Deliveries.FinishedCountOf(widget) == 4, because: "the consumer finishes all four deliveries");
        Assert.Equal(1, await harness.EffectCountAsync(widget));
    }

    [Fact]
    public async Task Events_written_while_the_broker_is_unreachable_arrive_once_after_it_returns()
    {
        await using var harness = await MessagingHarness.CreateAsync();
        await using var proxy = new TcpProxy(harness.Broker.Host, harness.Broker.Port);
        var throughProxy = new UriBuilder(harness.Broker) { Port = proxy.Port }.Uri;
        await harness.StartHostAsync("outage", consume: true, throughProxy);
        var before = await harness.CreateWidgetAsync("before the outage");
        await Eventually.UntilAsync(() => harness.Deliveries.CountOf(before) == 1, because: "the bus works before the outage");

        proxy.Cut();
        var during = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            during.Add(await harness.CreateWidgetAsync($"during {i}"));
        }
        // While the broker is unreachable the events wait in the outbox. (The event from before the
        // outage may wait too: its consumer can get it before the broker's confirm reaches the relay,
        // and a lost confirm means it is published again — which the inbox absorbs, checked below.)
        Assert.True(await harness.UnsentCountAsync() >= 20);
        Assert.All(during, id => Assert.Equal(0, harness.Deliveries.CountOf(id)));

        proxy.Resume();
        await Eventually.UntilAsync(async () => await harness.UnsentCountAsync() == 0, TimeSpan.FromSeconds(90), "the relay publishes the backlog");
        await Eventually.UntilAsync(() => during.All(id => harness.Deliveries.CountOf(id) >= 1), TimeSpan.FromSeconds(60), "every event arrives");
        // A delivery is seen before its effect commits: wait for the effects, then check there is one each.
        var all = during.Append(before).ToList();
        await Eventually.UntilAsync(async () =>
        {
            foreach (var id in all)
            {
                if (await harness.EffectCountAsync(id) == 0)
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(30), "every effect is committed");
        foreach (var id in all)
        {
            Assert.Equal(1, await harness.EffectCountAsync(id));
        }
    }

    [Fact]
    public async Task Two_relays_running_at_once_publish_each_event_once()
    {
        await using var harness = await MessagingHarness.CreateAsync();
        await Task.WhenAll(
            harness.StartHostAsync("relay-a", consume: true),
            harness.StartHostAsync("relay-b", consume: false));
        var widgets = await harness.CreateWidgetsAsync(600);

        await Eventually.UntilAsync(async () => await harness.UnsentCountAsync() == 0, TimeSpan.FromSeconds(60), "both relays drain the outbox");
        await Eventually.UntilAsync(() => widgets.All(id => harness.Deliveries.CountOf(id) >= 1), TimeSpan.FromSeconds(60), "every event arrives");
        // Deliveries of a duplicate publish would follow within moments; wait until the count is stable.
        var settled = await Eventually.GetAsync(async () =>
        {
            var count = harness.Deliveries.All.Count;
            await Task.Delay(300);
            return (count, after: harness.Deliveries.All.Count);
        }, c => c.count == c.after);

        Assert.Equal(600, settled.after);
        Assert.All(widgets, id => Assert.Equal(1, harness.Deliveries.CountOf(id)));
    }
}
