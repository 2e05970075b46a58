using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Notifications.Data;
using MassTransit;

namespace Agora.Notifications.Recipients;

/// <summary>
/// Keeps the participant's kind, language and consented governorate for routing and segments, from the event that carries
/// only those (not <c>ParticipantProfileChanged</c>, whose gender, age band, occupation and themes this service never uses).
/// </summary>
public sealed class ParticipantRoutingChangedConsumer(NotificationsDbContext db, TimeProvider time) : IConsumer<ParticipantRoutingChanged>
{
    public Task Consume(ConsumeContext<ParticipantRoutingChanged> context)
    {
        var m = context.Message;
        return db.ConsumeOnceAsync(context, nameof(ParticipantRoutingChangedConsumer), async ct =>
        {
            if (await db.Erased.FindAsync([m.ParticipantId], ct) is not null)
            {
                return;
            }
            await ParticipantDirectory.UpsertAsync(db, m.ParticipantId, m.Kind, m.PreferredLanguage, m.Governorate, true, m.ChangedAt, ct);
        }, time);
    }
}
