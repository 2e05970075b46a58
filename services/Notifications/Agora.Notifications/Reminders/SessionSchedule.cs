using Agora.Notifications.Data;
using Agora.Notifications.Recipients;
using Agora.Notifications.Templates;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Reminders;

/// <summary>The reminders of a confirmed registration: 24 h and 1 h before the session starts.</summary>
public static class SessionSchedule
{
    public static readonly IReadOnlyList<(string TemplateKey, TimeSpan Before)> Offsets =
        [("session.reminder-24h", TimeSpan.FromHours(24)), ("session.reminder-1h", TimeSpan.FromHours(1))];

    /// <summary>
    /// Records the participant as registered and plans the reminders still ahead: the 24 h one only if
    /// its time has not passed, the 1 h one as long as the session has not started.
    /// </summary>
    public static async Task ConfirmAsync(NotificationsDbContext db, Guid sessionId, Guid workshopId, Guid participantId,
        DateTimeOffset startsAt, DateTimeOffset now, CancellationToken ct)
    {
        var registrant = await db.Registrants.FindAsync([sessionId, participantId], ct);
        if (registrant is null)
        {
            db.Registrants.Add(new WorkshopRegistrant { SessionId = sessionId, ParticipantId = participantId, WorkshopId = workshopId, StartsAt = startsAt });
        }
        else
        {
            registrant.StartsAt = startsAt;
        }
        var existing = await db.Reminders.Where(r => r.SessionId == sessionId && r.ParticipantId == participantId).ToListAsync(ct);
        foreach (var (key, before) in Offsets)
        {
            var due = startsAt - before;
            var reminder = existing.FirstOrDefault(r => r.TemplateKey == key);
            if (reminder is { DispatchedAt: not null })
            {
                continue;
            }
            var wanted = startsAt > now && (key == "session.reminder-1h" || due > now);
            if (reminder is not null)
            {
                if (wanted)
                {
                    reminder.StartsAt = startsAt;
                    reminder.DueAt = due;
                }
                else
                {
                    db.Reminders.Remove(reminder);
                }
            }
            else if (wanted)
            {
                db.Reminders.Add(new SessionReminder
                {
                    Id = Guid.CreateVersion7(now),
                    SessionId = sessionId,
                    WorkshopId = workshopId,
                    ParticipantId = participantId,
                    TemplateKey = key,
                    StartsAt = startsAt,
                    DueAt = due,
                });
            }
        }
    }

    /// <summary>
    /// Serializes the messages about one session (schedulings, registrations, promotions) until the
    /// transaction ends, so a registration and a change arriving together cannot each miss the other.
    /// </summary>
    private static Task<int> LockAsync(NotificationsDbContext db, Guid sessionId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended('session-schedule:' || {sessionId.ToString()}, 0))", ct);

    /// <summary>
    /// Records a <c>WorkshopSessionScheduled</c> as the session's schedule, unless one newer than it (a later
    /// <c>changedAt</c>; a first scheduling has none, the oldest) was already applied: then it is stale and false is returned.
    /// </summary>
    public static async Task<bool> ApplyAsync(NotificationsDbContext db, Guid sessionId, DateTimeOffset startsAt, DateTimeOffset? changedAt, CancellationToken ct)
    {
        await LockAsync(db, sessionId, ct);
        var applied = await db.Schedules.FindAsync([sessionId], ct);
        if (applied is null)
        {
            db.Schedules.Add(new AppliedSchedule { SessionId = sessionId, StartsAt = startsAt, ChangedAt = changedAt });
            return true;
        }
        if ((applied.ChangedAt ?? DateTimeOffset.MinValue) > (changedAt ?? DateTimeOffset.MinValue))
        {
            return false;
        }
        applied.StartsAt = startsAt;
        applied.ChangedAt = changedAt;
        return true;
    }

    /// <summary>
    /// The start a registration or promotion made at <paramref name="at"/> should plan reminders for: the one it
    /// carries, unless a change made after it was already applied here, whose start then holds.
    /// </summary>
    public static async Task<DateTimeOffset> StartsAtAsync(NotificationsDbContext db, Guid sessionId, DateTimeOffset startsAt, DateTimeOffset at, CancellationToken ct)
    {
        await LockAsync(db, sessionId, ct);
        var applied = await db.Schedules.FindAsync([sessionId], ct);
        return applied is { ChangedAt: { } changedAt } && changedAt > at ? applied.StartsAt : startsAt;
    }

    public static Dictionary<string, string> Parameters(DateTimeOffset startsAt) => new(StringComparer.Ordinal) { ["startsAt"] = TemplateCatalogue.FormatTime(startsAt) };
}
