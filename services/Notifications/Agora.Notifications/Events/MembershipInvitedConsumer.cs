using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;

namespace Agora.Notifications.Events;

/// <summary>
/// The individual learns that an organization or movement invited them, with which role, and that they accept or decline
/// it in their memberships. The text names no organization: the event carries ids only and the registry offers no look-up
/// of an organization's name by id.
/// </summary>
public sealed class MembershipInvitedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<MembershipInvited>
{
    public Task Consume(ConsumeContext<MembershipInvited> context)
    {
        var m = context.Message;
        var key = "membership.invited." + m.Role.Trim().ToLowerInvariant();
        return db.ConsumeOnceAsync(context, nameof(MembershipInvitedConsumer), ct =>
            dispatcher.DispatchAsync(context.MessageId!.Value, key, new Dictionary<string, string>(), [m.IndividualId], ct), time);
    }
}
