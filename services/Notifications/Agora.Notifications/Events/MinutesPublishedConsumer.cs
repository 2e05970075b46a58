using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;

namespace Agora.Notifications.Events;

/// <summary>The workshop's participants learn that minutes are published.</summary>
public sealed class MinutesPublishedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<MinutesPublished>
{
    public Task Consume(ConsumeContext<MinutesPublished> context)
    {
        var m = context.Message;
        var parameters = new Dictionary<string, string> { ["version"] = m.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return db.ConsumeOnceAsync(context, nameof(MinutesPublishedConsumer), ct =>
            dispatcher.DispatchAsync(context.MessageId!.Value, "workshop.minutes-published", parameters, m.Recipients, ct), time);
    }
}
