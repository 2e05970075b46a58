using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Notifications.Data;
using MassTransit;

namespace Agora.Notifications.Recipients;

/// <summary>Keeps the participant's kind, language and consented governorate for routing and segments.</summary>
public sealed class ParticipantProfileChangedConsumer(NotificationsDbContext db, TimeProvider time) : IConsumer<ParticipantProfileChanged>
{
    public Task Consume(ConsumeContext<ParticipantProfileChanged> context)
    {
        var m = context.Message;
        return db.ConsumeOnceAsync(context, nameof(ParticipantProfileChangedConsumer), async ct =>
        {
            if (await db.Erased.FindAsync([m.ParticipantId], ct) is not null)
            {
                return;
            }
            await ParticipantDirectory.UpsertAsync(db, m.ParticipantId, m.Kind, m.PreferredLanguage, m.Constituency?.Governorate, true, m.ChangedAt, ct);
        }, time);
    }
}
