using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.Notifications.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Reminders;

/// <summary>A session (re)scheduled: the reminders of its registrants move with it.</summary>
public sealed class WorkshopSessionScheduledConsumer(NotificationsDbContext db, TimeProvider time) : IConsumer<WorkshopSessionScheduled>
{
    public Task Consume(ConsumeContext<WorkshopSessionScheduled> context)
    {
        var m = context.Message;
        return db.ConsumeOnceAsync(context, nameof(WorkshopSessionScheduledConsumer), async ct =>
        {
            var registrants = await db.Registrants.Where(r => r.SessionId == m.SessionId && r.StartsAt != m.StartsAt).Select(r => r.ParticipantId).ToListAsync(ct);
            foreach (var participantId in registrants)
            {
                await SessionSchedule.ConfirmAsync(db, m.SessionId, m.WorkshopId, participantId, m.StartsAt, time.GetUtcNow(), ct);
            }
        }, time);
    }
}
