using Agora.Contracts.Charter;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Templates;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Events;

/// <summary>Everyone learns that the ballot on the charter is open, and until when.</summary>
public sealed class BallotOpenedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<BallotOpened>
{
    public Task Consume(ConsumeContext<BallotOpened> context)
    {
        var m = context.Message;
        var parameters = new Dictionary<string, string>
        {
            ["version"] = m.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["closesAt"] = TemplateCatalogue.FormatTime(m.ClosesAt),
        };
        return db.ConsumeOnceAsync(context, nameof(BallotOpenedConsumer), async ct =>
            await dispatcher.DispatchAsync(context.MessageId!.Value, "charter.ballot-opened", parameters,
                await db.Participants.Select(p => p.ParticipantId).ToListAsync(ct), ct), time);
    }
}
