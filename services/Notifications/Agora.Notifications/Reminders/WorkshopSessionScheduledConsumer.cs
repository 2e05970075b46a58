using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Reminders;

/// <summary>
/// A session (re)scheduled: the reminders of its registrants move with it. A change after the first
/// scheduling (<see cref="WorkshopSessionScheduled.ChangedAt"/>: time, place or link) is also told to its
/// registrants — those the event names, confirmed or waitlisted, and any confirmed one known here.
/// A message older than the one already applied for the session (by <c>changedAt</c>) is ignored.
/// </summary>
public sealed class WorkshopSessionScheduledConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<WorkshopSessionScheduled>
{
    public Task Consume(ConsumeContext<WorkshopSessionScheduled> context)
    {
        var m = context.Message;
        return db.ConsumeOnceAsync(context, nameof(WorkshopSessionScheduledConsumer), async ct =>
        {
            // An older scheduling delivered after a newer one (a first scheduling or an earlier change after a
            // reschedule) moves no reminder back and tells nobody an outdated time.
            if (!await SessionSchedule.ApplyAsync(db, m.SessionId, m.StartsAt, m.ChangedAt, ct))
            {
                return;
            }
            var known = await db.Registrants.Where(r => r.SessionId == m.SessionId).Select(r => new { r.ParticipantId, r.StartsAt }).ToListAsync(ct);
            foreach (var r in known.Where(r => r.StartsAt != m.StartsAt))
            {
                await SessionSchedule.ConfirmAsync(db, m.SessionId, m.WorkshopId, r.ParticipantId, m.StartsAt, time.GetUtcNow(), ct);
            }
            if (m.ChangedAt is not null)
            {
                List<Guid> registrants = [.. (m.ParticipantIds ?? []).Union(known.Select(r => r.ParticipantId))];
                await dispatcher.DispatchAsync(context.MessageId!.Value, "session.changed", SessionSchedule.Parameters(m.StartsAt), registrants, ct);
            }
        }, time);
    }
}
