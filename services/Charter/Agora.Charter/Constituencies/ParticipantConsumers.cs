using Agora.Charter.Data;
using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Constituencies;

/// <summary>
/// Keeps the local read model of kinds and consented constituency attributes (older events never overwrite newer ones;
/// none recreates an erased participant's).
/// </summary>
public sealed class ParticipantProfileChangedConsumer(CharterDbContext db, TimeProvider time) : IConsumer<ParticipantProfileChanged>
{
    public Task Consume(ConsumeContext<ParticipantProfileChanged> context) =>
        db.ConsumeOnceAsync(context, nameof(ParticipantProfileChangedConsumer), ct => UpsertAsync(db, context.Message, ct), time);

    /// <summary>
    /// Records the event's profile in one statement (<c>INSERT … ON CONFLICT</c>): two events for a new participant consumed
    /// at once would otherwise both insert and one fail on the key (an exception, a retry, an error logged). An event older
    /// than what the row holds changes nothing, so events applied out of order never undo a later change. Runs in the
    /// caller's transaction; nothing is left to save.
    /// </summary>
    internal static async Task UpsertAsync(CharterDbContext db, ParticipantProfileChanged m, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync(ErasedParticipant.LockSql(m.ParticipantId), ct);
        if (await db.Erased.AnyAsync(e => e.ParticipantId == m.ParticipantId, ct))
        {
            return; // Erased: a late event must not bring the person's attributes back.
        }
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO profiles (participant_id, kind, governorate, gender, age_band, occupation, changed_at)
            VALUES ({m.ParticipantId}, {m.Kind}, {m.Constituency.Governorate}, {m.Constituency.Gender}, {m.Constituency.AgeBand},
                {m.Constituency.Occupation}, {m.ChangedAt.ToUniversalTime()})
            ON CONFLICT (participant_id) DO UPDATE SET
                kind = EXCLUDED.kind,
                governorate = EXCLUDED.governorate,
                gender = EXCLUDED.gender,
                age_band = EXCLUDED.age_band,
                occupation = EXCLUDED.occupation,
                changed_at = EXCLUDED.changed_at
            WHERE profiles.changed_at <= EXCLUDED.changed_at
            """, ct);
    }
}

/// <summary>
/// Erasure: the person's votes, ballots, statements and amendments stay (they still count) but every reference to
/// them is replaced by one random pseudonym; their profile and group memberships go; a tombstone (<see cref="ErasedParticipant"/>)
/// keeps a late profile event from recreating the profile and the person's access tokens from being accepted: by this process
/// at once, by the other replicas within <c>Agora:Auth:ErasedRefresh</c> (see <see cref="ErasedParticipants"/>).
/// </summary>
public sealed class ParticipantErasedConsumer(CharterDbContext db, ErasedParticipants erased, TimeProvider time) : IConsumer<ParticipantErased>
{
    public async Task Consume(ConsumeContext<ParticipantErased> context)
    {
        await db.ConsumeOnceAsync(context, nameof(ParticipantErasedConsumer), ct => EraseAsync(db, context.Message.ParticipantId, time.GetUtcNow(), ct), time);
        erased.Add(context.Message.ParticipantId);
    }

    /// <summary>The erasure's effect, in the caller's transaction (group memberships are left to save).</summary>
    internal static async Task EraseAsync(CharterDbContext db, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        var pseudonym = Guid.NewGuid();
        // The tombstone first, under the lock the profile consumer takes, so that no later profile event brings them back.
        await db.Database.ExecuteSqlAsync(ErasedParticipant.LockSql(id), ct);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO erased_participants (participant_id, erased_at) VALUES ({id}, {now}) ON CONFLICT (participant_id) DO NOTHING", ct);
        // Lock order: the conversations (in id order) before their statements, as moderation takes them
        // (StatementsApi.LockedAsync); the other order deadlocks with a moderation of one of this person's statements.
        // The conversations of their statements too: under their lock, the statements below wait for no moderation.
        await db.Database.ExecuteSqlAsync($"""
            SELECT 1 FROM conversations WHERE id IN (
                SELECT conversation_id FROM votes WHERE participant_id = {id}
                UNION SELECT conversation_id FROM statements WHERE author_id = {id})
            ORDER BY id FOR NO KEY UPDATE
            """, ct);
        // The analysis holds votes in memory by participant: a new revision makes it read these conversations again.
        await db.Conversations.Where(c => db.Votes.Any(v => v.ConversationId == c.Id && v.ParticipantId == id))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision + 1), ct);
        await db.Votes.Where(v => v.ParticipantId == id).ExecuteUpdateAsync(s => s.SetProperty(v => v.ParticipantId, pseudonym), ct);
        await db.BallotCasts.Where(c => c.ParticipantId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ParticipantId, pseudonym), ct);
        await db.AmendmentVoteCasts.Where(c => c.ParticipantId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ParticipantId, pseudonym), ct);
        await db.Statements.Where(c => c.AuthorId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.AuthorId, pseudonym), ct);
        // The charters of their amendments (in id order) before the amendments, the order a finalize or an acceptance
        // takes (ChartersApi.LockAsync): one lapsing these amendments meanwhile is waited for, never deadlocked with.
        await db.Database.ExecuteSqlAsync($"""
            SELECT 1 FROM charters WHERE id IN (SELECT charter_id FROM amendments WHERE author_id = {id}) ORDER BY id FOR SHARE
            """, ct);
        await db.Amendments.Where(c => c.AuthorId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.AuthorId, pseudonym), ct);
        await db.Actions.Where(c => c.OwnerParticipantId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.OwnerParticipantId, (Guid?)null), ct);
        await db.Profiles.Where(p => p.ParticipantId == id).ExecuteDeleteAsync(ct);
        foreach (var group in await db.CoordinationGroups.Where(g => g.Members.Contains(id)).ToListAsync(ct))
        {
            group.Members = [.. group.Members.Where(m => m != id)];
        }
    }
}
