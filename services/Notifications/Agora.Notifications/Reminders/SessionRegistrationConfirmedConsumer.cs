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
            if (confirmed)
            {
                await SessionSchedule.ConfirmAsync(db, m.SessionId, m.WorkshopId, m.ParticipantId, m.StartsAt, time.GetUtcNow(), ct);
            }
            await dispatcher.DispatchAsync(context.MessageId!.Value, confirmed ? "session.registration-confirmed" : "session.waitlisted",
                SessionSchedule.Parameters(m.StartsAt), [m.ParticipantId], ct);
        }, time);
    }
}
