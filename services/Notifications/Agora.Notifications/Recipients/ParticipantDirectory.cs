using Agora.Notifications.Data;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Recipients;

/// <summary>Keeps the <see cref="KnownParticipant"/> read model.</summary>
public static class ParticipantDirectory
{
    /// <summary>
    /// Records what an event says of a participant, in one statement (<c>INSERT … ON CONFLICT</c>): the registry publishes
    /// <c>ParticipantRegistered</c> and <c>ParticipantRoutingChanged</c> together, and their consumers, running at the same
    /// time, would otherwise both insert and one fail on the key. An event older (<paramref name="changedAt"/>) than what the
    /// row holds changes nothing, so events applied out of order never undo a later change. An unsupported language keeps the
    /// row's (Arabic for a new row); the governorate changes only when <paramref name="setGovernorate"/> (the profile event
    /// carries the consented one, the registration none). Runs in the caller's transaction; nothing is left to save.
    /// </summary>
    public static async Task UpsertAsync(NotificationsDbContext db, Guid participantId, string kind, string language, string? governorate,
        bool setGovernorate, DateTimeOffset changedAt, CancellationToken ct)
    {
        var supported = Templates.Languages.IsSupported(language);
        var trimmedKind = Trim(kind, 20);
        var trimmedGovernorate = governorate is null ? null : Trim(governorate, 30);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO participants (participant_id, kind, language, governorate, updated_at)
            VALUES ({participantId}, {trimmedKind}, {(supported ? language : "ar")}, {trimmedGovernorate}, {changedAt.ToUniversalTime()})
            ON CONFLICT (participant_id) DO UPDATE SET
                kind = EXCLUDED.kind,
                language = CASE WHEN {supported} THEN EXCLUDED.language ELSE participants.language END,
                governorate = CASE WHEN {setGovernorate} THEN EXCLUDED.governorate ELSE participants.governorate END,
                updated_at = EXCLUDED.updated_at
            WHERE participants.updated_at <= EXCLUDED.updated_at
            """, ct);
    }

    private static string Trim(string value, int max) => FreeText.Truncate(value.Trim().ToLowerInvariant(), max);
}
