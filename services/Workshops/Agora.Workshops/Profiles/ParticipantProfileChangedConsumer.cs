using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Workshops.Data;
using Agora.Workshops.Erasure;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Profiles;

/// <summary>Keeps the local read model of consented constituency attributes; an older event never overwrites a newer one, and none recreates an erased participant's.</summary>
public sealed class ParticipantProfileChangedConsumer(WorkshopsDbContext db, TimeProvider time) : IConsumer<ParticipantProfileChanged>
{
    public Task Consume(ConsumeContext<ParticipantProfileChanged> context) =>
        db.ConsumeOnceAsync(context, nameof(ParticipantProfileChangedConsumer), ct => ApplyAsync(db, context.Message, ct), time);

    /// <summary>
    /// Records the event's profile in one statement (<c>INSERT … ON CONFLICT</c>): two events for a new participant consumed
    /// at once would otherwise both insert and one fail on the key (an exception, a retry, an error logged). An event older
    /// than what the row holds changes nothing, so events applied out of order never undo a later change. Runs in the
    /// caller's transaction; nothing is left to save.
    /// </summary>
    internal static async Task ApplyAsync(WorkshopsDbContext db, ParticipantProfileChanged m, CancellationToken ct)
    {
        // An event that arrives after the person's erasure (a retry, another queue) must not bring their attributes back:
        // under the erasure lock, so the erasure either sees this profile and deletes it, or left its tombstone first.
        await db.Database.ExecuteSqlAsync(ErasedParticipant.LockSql(m.ParticipantId), ct);
        if (await db.ErasedParticipants.AnyAsync(e => e.ParticipantId == m.ParticipantId, ct))
        {
            return;
        }
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO participant_profiles (participant_id, kind, governorate, gender, age_band, occupation, changed_at)
            VALUES ({m.ParticipantId}, {Limit(m.Kind, 20) ?? "individual"}, {Limit(m.Constituency?.Governorate, 50)},
                {Limit(m.Constituency?.Gender, 20)}, {Limit(m.Constituency?.AgeBand, 20)}, {Limit(m.Constituency?.Occupation, 50)},
                {m.ChangedAt.ToUniversalTime()})
            ON CONFLICT (participant_id) DO UPDATE SET
                kind = EXCLUDED.kind,
                governorate = EXCLUDED.governorate,
                gender = EXCLUDED.gender,
                age_band = EXCLUDED.age_band,
                occupation = EXCLUDED.occupation,
                changed_at = EXCLUDED.changed_at
            WHERE participant_profiles.changed_at <= EXCLUDED.changed_at
            """, ct);
    }

    /// <summary>Trimmed, lower-cased and cut to the column (never inside a surrogate pair: PostgreSQL refuses half an emoji).</summary>
    private static string? Limit(string? s, int max) =>
        string.IsNullOrWhiteSpace(s) ? null : FreeText.Truncate(s.Trim().ToLowerInvariant(), max);
}
