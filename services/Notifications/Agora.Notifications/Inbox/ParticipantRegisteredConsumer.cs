using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Templates;
using MassTransit;

namespace Agora.Notifications.Inbox;

/// <summary>Welcomes a newly registered participant in their own language.</summary>
public sealed class ParticipantRegisteredConsumer(NotificationsDbContext db, TimeProvider time, ILogger<ParticipantRegisteredConsumer> logger)
    : IConsumer<ParticipantRegistered>
{
    public async Task Consume(ConsumeContext<ParticipantRegistered> context)
    {
        var message = context.Message;
        var applied = await db.ConsumeOnceAsync(context, nameof(ParticipantRegisteredConsumer), _ =>
        {
            var welcome = MessageTemplates.Render(MessageTemplates.Welcome, message.PreferredLanguage);
            db.Notifications.Add(new InAppNotification
            {
                Id = Guid.CreateVersion7(),
                ParticipantId = message.ParticipantId,
                Category = "welcome",
                Language = welcome.Language,
                Title = welcome.Title,
                Body = welcome.Body,
                CreatedAt = time.GetUtcNow(),
            });
            return Task.CompletedTask;
        }, time);
        logger.LogInformation("Welcome for participant {ParticipantId} {Outcome}", message.ParticipantId, applied ? "stored" : "already stored");
    }
}
