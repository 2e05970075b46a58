using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Notifications.Recipients;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Tests.Functional;

/// <summary>
/// The participants read model is fed by two events that the registry publishes together at registration
/// (<c>ParticipantRegistered</c>, <c>ParticipantRoutingChanged</c>) and that two consumers apply at the same time.
/// </summary>
public sealed class ParticipantDirectoryTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    private static readonly DateTimeOffset Registered = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_events_creating_the_same_participant_at_once_both_apply_without_a_unique_key_failure()
    {
        var id = Guid.CreateVersion7();
        await using var first = factory.Scope(out var db1);
        await using var second = factory.Scope(out var db2);
        await using var tx1 = await db1.Database.BeginTransactionAsync();
        await ParticipantDirectory.UpsertAsync(db1, id, "individual", "fr", null, false, Registered, CancellationToken.None);
        await db1.SaveChangesAsync();

        // The second consumer writes while the first has not committed: its insert waits on the first's row.
        await using var tx2 = await db2.Database.BeginTransactionAsync();
        var concurrent = Task.Run(async () =>
        {
            await ParticipantDirectory.UpsertAsync(db2, id, "individual", "ar", "sfax", true, Registered.AddSeconds(1), CancellationToken.None);
            await db2.SaveChangesAsync();
        });
        await Task.Delay(300);
        Assert.False(concurrent.IsCompleted);
        await tx1.CommitAsync();
        await concurrent; // no duplicate-key exception (and so no retry, no error in the log)
        await tx2.CommitAsync();

        await using var scope = factory.Scope(out var db);
        var row = await db.Participants.AsNoTracking().SingleAsync(p => p.ParticipantId == id);
        Assert.Equal(("ar", "sfax"), (row.Language, row.Governorate));
    }

    [Fact]
    public async Task A_routing_change_from_the_bus_sets_language_and_governorate_and_an_older_one_delivered_later_changes_nothing()
    {
        var id = await factory.ParticipantAsync("fr", governorate: "tunis");
        var now = DateTimeOffset.UtcNow;
        var changedAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)).AddMinutes(1); // whole seconds: PostgreSQL keeps microseconds
        await factory.PublishAsync(new ParticipantRoutingChanged(id, "individual", "en", "sfax", changedAt));
        var row = await Eventually.GetAsync(() => RowAsync(id), r => r.Language == "en", because: "the routing change to be applied");
        Assert.Equal(("individual", "en", "sfax", changedAt), (row.Kind, row.Language, row.Governorate, row.UpdatedAt));

        // A change made before it, delivered after it: consumed (the inbox has it) and ignored.
        var stale = Guid.NewGuid();
        await factory.PublishAsync(new ParticipantRoutingChanged(id, "organization", "ar", "gafsa", changedAt.AddSeconds(-30)), stale);
        await Eventually.UntilAsync(() => ConsumedAsync(stale), because: "the stale routing change to be consumed");
        row = await RowAsync(id);
        Assert.Equal(("individual", "en", "sfax", changedAt), (row.Kind, row.Language, row.Governorate, row.UpdatedAt));
    }

    [Fact]
    public async Task The_profile_event_with_gender_age_band_and_occupation_is_no_longer_consumed()
    {
        Assert.DoesNotContain(typeof(NotificationsMarker).Assembly.GetTypes(),
            t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericArguments().Contains(typeof(ParticipantProfileChanged))));

        // Were the profile event consumed, its later time would make the routing change stale (or overwrite it).
        var id = await factory.ParticipantAsync("fr", governorate: "tunis");
        var profile = Guid.NewGuid();
        await factory.PublishAsync(new ParticipantProfileChanged(id, "individual", "ar", ["water"],
            new ConstituencyAttributes("sfax", "female", "18-24", "student"), DateTimeOffset.UtcNow.AddMinutes(2)), profile);
        var routing = Guid.NewGuid();
        await factory.PublishAsync(new ParticipantRoutingChanged(id, "individual", "en", "kairouan", DateTimeOffset.UtcNow.AddMinutes(1)), routing);
        await Eventually.UntilAsync(() => ConsumedAsync(routing), because: "the routing change to be consumed");
        await Task.Delay(500);
        Assert.False(await ConsumedAsync(profile));
        var row = await RowAsync(id);
        Assert.Equal(("en", "kairouan"), (row.Language, row.Governorate));
    }

    private async Task<KnownParticipant> RowAsync(Guid id)
    {
        await using var scope = factory.Scope(out var db);
        return await db.Participants.AsNoTracking().SingleAsync(p => p.ParticipantId == id);
    }

    private async Task<bool> ConsumedAsync(Guid messageId)
    {
        await using var scope = factory.Scope(out var db);
        return await db.Set<ConsumedMessage>().AnyAsync(m => m.MessageId == messageId);
    }

    [Fact]
    public async Task An_older_event_applied_after_a_newer_one_does_not_undo_it()
    {
        var id = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            // The profile changed (to Arabic, in Sfax) after registering in French; the consumers ran in the other order.
            await ParticipantDirectory.UpsertAsync(db, id, "individual", "ar", "sfax", true, Registered.AddMinutes(5), CancellationToken.None);
            await db.SaveChangesAsync();
            await ParticipantDirectory.UpsertAsync(db, id, "individual", "fr", null, false, Registered, CancellationToken.None);
            await db.SaveChangesAsync();
        }
        await using (var scope = factory.Scope(out var db))
        {
            var row = await db.Participants.AsNoTracking().SingleAsync(p => p.ParticipantId == id);
            Assert.Equal(("ar", "sfax", Registered.AddMinutes(5)), (row.Language, row.Governorate, row.UpdatedAt));

            // A newer change still applies; a registration (no governorate in it) never clears the consented one.
            await ParticipantDirectory.UpsertAsync(db, id, "individual", "en", null, false, Registered.AddMinutes(6), CancellationToken.None);
            await db.SaveChangesAsync();
        }
        await using (var scope = factory.Scope(out var db))
        {
            var row = await db.Participants.AsNoTracking().SingleAsync(p => p.ParticipantId == id);
            Assert.Equal(("en", "sfax"), (row.Language, row.Governorate));
        }
    }
}
