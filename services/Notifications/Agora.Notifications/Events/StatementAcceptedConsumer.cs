using Agora.Contracts.Charter;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;

namespace Agora.Notifications.Events;

/// <summary>The author of the contribution learns that a statement from it is accepted.</summary>
public sealed class StatementAcceptedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<StatementAccepted>
{
    public Task Consume(ConsumeContext<StatementAccepted> context)
    {
        var m = context.Message;
        var parameters = new Dictionary<string, string> { ["theme"] = m.Theme };
        return db.ConsumeOnceAsync(context, nameof(StatementAcceptedConsumer), ct =>
            dispatcher.DispatchAsync(context.MessageId!.Value, "charter.statement-accepted", parameters, m.AuthorId is { } author ? [author] : [], ct), time);
    }
}
