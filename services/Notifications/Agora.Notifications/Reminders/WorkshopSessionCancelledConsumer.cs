using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Reminders;

/// <summary>
/// A cancelled session: its registrants (those the event names, confirmed or waitlisted) are told and its pending reminders dropped.
/// The event's <c>Cause</c> picks the text: "workshop-closed" says, in each language, that the workshop was closed
/// (<c>session.cancelled.workshop-closed</c>); none, or one not known here, the plain <c>session.cancelled</c>.
/// </summary>
public sealed class WorkshopSessionCancelledConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<WorkshopSessionCancelled>
{
    public Task Consume(ConsumeContext<WorkshopSessionCancelled> context)
    {
        var m = context.Message;
        return db.ConsumeOnceAsync(context, nameof(WorkshopSessionCancelledConsumer), async ct =>
        {
            // Those the event names (confirmed and waitlisted alike), plus any confirmed registrant
            // known here from earlier events (older publishers left the list out).
            var registrants = await db.Registrants.Where(r => r.SessionId == m.SessionId).Select(r => r.ParticipantId).ToListAsync(ct);
            registrants = [.. (m.ParticipantIds ?? []).Union(registrants)];
            await db.Reminders.Where(r => r.SessionId == m.SessionId && r.DispatchedAt == null).ExecuteDeleteAsync(ct);
            await db.Registrants.Where(r => r.SessionId == m.SessionId).ExecuteDeleteAsync(ct);
            var template = m.Cause == WorkshopSessionCancelled.WorkshopClosed ? "session.cancelled.workshop-closed" : "session.cancelled";
            await dispatcher.DispatchAsync(context.MessageId!.Value, template, new Dictionary<string, string>(), registrants, ct);
        }, time);
    }
}
