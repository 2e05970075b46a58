using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;

namespace Agora.Notifications.Reminders;

/// <summary>A participant promoted from the waiting list is told, and their reminders planned.</summary>
public sealed class WaitlistPromotedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<WaitlistPromoted>
{
    public Task Consume(ConsumeContext<WaitlistPromoted> context)
    {
        var m = context.Message;
        return db.ConsumeOnceAsync(context, nameof(WaitlistPromotedConsumer), async ct =>
        {
            if (await db.Erased.FindAsync([m.ParticipantId], ct) is not null)
            {
                return;
            }
            var startsAt = await SessionSchedule.StartsAtAsync(db, m.SessionId, m.StartsAt, m.PromotedAt, ct);
            await SessionSchedule.ConfirmAsync(db, m.SessionId, m.WorkshopId, m.ParticipantId, startsAt, time.GetUtcNow(), ct);
            await dispatcher.DispatchAsync(context.MessageId!.Value, "session.waitlist-promoted", SessionSchedule.Parameters(startsAt), [m.ParticipantId], ct);
        }, time);
    }
}
