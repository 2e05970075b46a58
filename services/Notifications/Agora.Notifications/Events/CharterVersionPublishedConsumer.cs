using Agora.Contracts.Charter;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Events;

/// <summary>Everyone learns of a new charter version.</summary>
public sealed class CharterVersionPublishedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<CharterVersionPublished>
{
    public Task Consume(ConsumeContext<CharterVersionPublished> context)
    {
        var m = context.Message;
        var parameters = new Dictionary<string, string>
        {
            ["version"] = m.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["articleCount"] = m.ArticleCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return db.ConsumeOnceAsync(context, nameof(CharterVersionPublishedConsumer), async ct =>
            await dispatcher.DispatchAsync(context.MessageId!.Value, "charter.version-published", parameters,
                await db.Participants.Select(p => p.ParticipantId).ToListAsync(ct), ct), time);
    }
}
