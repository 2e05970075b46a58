using Agora.Contracts.Charter;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Templates;
using MassTransit;

namespace Agora.Notifications.Events;

/// <summary>The action's owners are reminded of its deadline.</summary>
public sealed class ActionDeadlineApproachingConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<ActionDeadlineApproaching>
{
    public Task Consume(ConsumeContext<ActionDeadlineApproaching> context)
    {
        var m = context.Message;
        var parameters = new Dictionary<string, string> { ["deadline"] = TemplateCatalogue.FormatDate(m.Deadline) };
        return db.ConsumeOnceAsync(context, nameof(ActionDeadlineApproachingConsumer), ct =>
            dispatcher.DispatchAsync(context.MessageId!.Value, "action.deadline-approaching", parameters, m.OwnerParticipantIds, ct), time);
    }
}
