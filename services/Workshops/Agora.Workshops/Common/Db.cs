using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Common;

public static class Db
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction under the context's execution strategy; the
    /// transaction commits only when <paramref name="work"/> returns <c>commit: true</c>, so a
    /// rejected request writes nothing.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this DbContext db, Func<CancellationToken, Task<(bool Commit, T Result)>> work, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var (commit, result) = await work(ct);
            if (commit)
            {
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
            return result;
        });
}
