using Agora.Notifications.Recipients;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Tests.Functional;

/// <summary>
/// The participants read model is fed by two events that the registry publishes together at registration
/// (<c>ParticipantRegistered</c>, <c>ParticipantProfileChanged</c>) and that two consumers apply at the same time.
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
