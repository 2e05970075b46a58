using Agora.Contracts.Charter;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Events;

/// <summary>Everyone learns that the ballot is closed and its outcome.</summary>
public sealed class BallotClosedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<BallotClosed>
{
    public Task Consume(ConsumeContext<BallotClosed> context)
    {
        var m = context.Message;
        var parameters = new Dictionary<string, string> { ["version"] = m.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var key = m.Adopted ? "charter.ballot-closed.adopted" : "charter.ballot-closed.not-adopted";
        return db.ConsumeOnceAsync(context, nameof(BallotClosedConsumer), async ct =>
            await dispatcher.DispatchAsync(context.MessageId!.Value, key, parameters,
                await db.Participants.Select(p => p.ParticipantId).ToListAsync(ct), ct), time);
    }
}
