using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;

namespace Agora.Notifications.Reminders;

/// <summary>A confirmed registration is acknowledged and its reminders planned; a waitlisted one is told so.</summary>
public sealed class SessionRegistrationConfirmedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time)
    : IConsumer<SessionRegistrationConfirmed>
{
    public Task Consume(ConsumeContext<SessionRegistrationConfirmed> context)
    {
        var m = context.Message;
        return db.ConsumeOnceAsync(context, nameof(SessionRegistrationConfirmedConsumer), async ct =>
        {
            if (await db.Erased.FindAsync([m.ParticipantId], ct) is not null)
            {
                return;
            }
            var confirmed = string.Equals(m.Status, "confirmed", StringComparison.OrdinalIgnoreCase);
            // The session may have been changed since the registration: a change applied here holds over its start.
            var startsAt = await SessionSchedule.StartsAtAsync(db, m.SessionId, m.StartsAt, m.RegisteredAt, ct);
            if (confirmed)
            {
                await SessionSchedule.ConfirmAsync(db, m.SessionId, m.WorkshopId, m.ParticipantId, startsAt, time.GetUtcNow(), ct);
            }
            await dispatcher.DispatchAsync(context.MessageId!.Value, confirmed ? "session.registration-confirmed" : "session.waitlisted",
                SessionSchedule.Parameters(startsAt), [m.ParticipantId], ct);
        }, time);
    }
}
