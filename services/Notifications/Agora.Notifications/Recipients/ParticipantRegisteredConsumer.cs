using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;

namespace Agora.Notifications.Recipients;

/// <summary>Records the new participant in the read model and welcomes them in their own language.</summary>
public sealed class ParticipantRegisteredConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time, ILogger<ParticipantRegisteredConsumer> logger)
    : IConsumer<ParticipantRegistered>
{
    public async Task Consume(ConsumeContext<ParticipantRegistered> context)
    {
        var message = context.Message;
        var applied = await db.ConsumeOnceAsync(context, nameof(ParticipantRegisteredConsumer), async ct =>
        {
            if (await db.Erased.FindAsync([message.ParticipantId], ct) is not null)
            {
                return;
            }
            await ParticipantDirectory.UpsertAsync(db, message.ParticipantId, message.Kind, message.PreferredLanguage, null, false, message.RegisteredAt, ct);
            await dispatcher.DispatchAsync(context.MessageId!.Value, "welcome", new Dictionary<string, string>(), [message.ParticipantId], ct);
        }, time);
        logger.LogInformation("Welcome for participant {ParticipantId} {Outcome}", message.ParticipantId, applied ? "stored" : "already stored");
    }
}
