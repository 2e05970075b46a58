using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests;

internal static class Locks
{
    /// <summary>
    /// Until <paramref name="count"/> sessions of the factory's database wait on a lock: a test that interleaves
    /// transactions knows each one has reached the lock it should wait on, however slow the machine.
    /// </summary>
    public static Task WaitingOnLocksAsync(this CharterFactory factory, int count) => Eventually.UntilAsync(async () =>
    {
        // A session of its own, outside any transaction: pg_stat_activity is read once per transaction.
        await using var scope = factory.Scope(out var db);
        return await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
            """).SingleAsync() == count;
    }, TimeSpan.FromSeconds(10), $"{count} sessions waiting on a lock");
}
