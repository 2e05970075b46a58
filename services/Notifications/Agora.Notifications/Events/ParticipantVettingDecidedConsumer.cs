using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;

namespace Agora.Notifications.Events;

/// <summary>The participant learns the vetting decision (approved, rejected, or confirmed for individuals).</summary>
public sealed class ParticipantVettingDecidedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<ParticipantVettingDecided>
{
    public Task Consume(ConsumeContext<ParticipantVettingDecided> context)
    {
        var m = context.Message;
        var key = "vetting." + m.Decision.Trim().ToLowerInvariant();
        return db.ConsumeOnceAsync(context, nameof(ParticipantVettingDecidedConsumer), ct =>
            dispatcher.DispatchAsync(context.MessageId!.Value, key, new Dictionary<string, string>(), [m.ParticipantId], ct), time);
    }
}
