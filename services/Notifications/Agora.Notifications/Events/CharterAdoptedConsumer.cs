using Agora.Contracts.Charter;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Events;

/// <summary>Everyone learns that the charter is adopted.</summary>
public sealed class CharterAdoptedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<CharterAdopted>
{
    public Task Consume(ConsumeContext<CharterAdopted> context)
    {
        var m = context.Message;
        var parameters = new Dictionary<string, string> { ["version"] = m.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return db.ConsumeOnceAsync(context, nameof(CharterAdoptedConsumer), async ct =>
            await dispatcher.DispatchAsync(context.MessageId!.Value, "charter.adopted", parameters,
                await db.Participants.Select(p => p.ParticipantId).ToListAsync(ct), ct), time);
    }
}
