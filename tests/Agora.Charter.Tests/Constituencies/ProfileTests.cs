using Agora.Charter.Constituencies;
using Agora.Contracts.Registry;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Constituencies;

/// <summary>The profiles read model: the registry's events for one participant may be consumed at once, and in any order.</summary>
public sealed class ProfileTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    private static readonly DateTimeOffset Registered = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_events_for_a_new_participant_at_once_both_apply_and_the_later_one_wins(bool laterArrivesFirst)
    {
        var id = Guid.CreateVersion7();
        var registration = new ParticipantProfileChanged(id, "individual", "fr", [], new ConstituencyAttributes(null, null, null, null), Registered);
        var change = new ParticipantProfileChanged(id, "individual", "ar", [], new ConstituencyAttributes("sfax", "female", "25-34", "lawyer"), Registered.AddMinutes(1));
        var (first, second) = laterArrivesFirst ? (change, registration) : (registration, change);

        await using var one = factory.Scope(out var db1);
        await using var two = factory.Scope(out var db2);
        await using var tx1 = await db1.Database.BeginTransactionAsync();
        await ParticipantProfileChangedConsumer.UpsertAsync(db1, first, CancellationToken.None);
        await db1.SaveChangesAsync();

        // The second consumer writes while the first has not committed: its insert waits on the first's row.
        await using var tx2 = await db2.Database.BeginTransactionAsync();
        var concurrent = Task.Run(async () =>
        {
            await ParticipantProfileChangedConsumer.UpsertAsync(db2, second, CancellationToken.None);
            await db2.SaveChangesAsync();
        });
        await factory.WaitingOnLocksAsync(1);
        await tx1.CommitAsync();
        await concurrent; // no duplicate-key exception (and so no retry, no error in the log)
        await tx2.CommitAsync();

        await using var scope = factory.Scope(out var db);
        var row = await db.Profiles.AsNoTracking().SingleAsync(p => p.ParticipantId == id);
        Assert.Equal(("sfax", "female", "25-34", "lawyer", Registered.AddMinutes(1)), (row.Governorate, row.Gender, row.AgeBand, row.Occupation, row.ChangedAt));
    }
}
