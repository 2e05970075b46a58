using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Messaging;

/// <summary>Makes a consumer's effect happen once per message, however often the message is delivered.</summary>
public static class Inbox
{
    internal const string PrimaryKeyName = "pk_consumed_messages";

    /// <summary>
    /// Runs <paramref name="effect"/> (which changes <paramref name="db"/>) and records the message as
    /// consumed, in one transaction. Returns false, changing nothing, when this consumer already
    /// applied this message.
    /// </summary>
    public static async Task<bool> ConsumeOnceAsync(this DbContext db, ConsumeContext context, string consumer,
        Func<CancellationToken, Task> effect, TimeProvider time)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException("A message without a MessageId cannot be deduplicated.");
        var ct = context.CancellationToken;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (await db.Set<ConsumedMessage>().AnyAsync(m => m.MessageId == messageId && m.Consumer == consumer, ct))
            {
                return false;
            }
            await effect(ct);
            db.Set<ConsumedMessage>().Add(new ConsumedMessage { MessageId = messageId, Consumer = consumer, ConsumedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsViolationOf(PrimaryKeyName))
            {
                // A concurrent delivery of the same message won the race: its effect stands, ours is rolled back.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return false;
            }
            await tx.CommitAsync(ct);
            return true;
        });
    }
}
