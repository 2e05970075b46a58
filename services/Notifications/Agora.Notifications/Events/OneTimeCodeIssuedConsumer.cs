using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using MassTransit;

namespace Agora.Notifications.Events;

/// <summary>
/// Emails a one-time code (email verification or sign-in) at once, whatever the preferences say:
/// by email only (never the in-app inbox, which needs a signed-in user), and the code is never logged.
/// </summary>
public sealed class OneTimeCodeIssuedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<OneTimeCodeIssued>
{
    public Task Consume(ConsumeContext<OneTimeCodeIssued> context)
    {
        var m = context.Message;
        if (time.GetUtcNow() >= m.ExpiresAt)
        {
            return Task.CompletedTask; // An expired code is of no use to anyone.
        }
        var key = "code." + m.Purpose.Trim().ToLowerInvariant();
        return db.ConsumeOnceAsync(context, nameof(OneTimeCodeIssuedConsumer), ct =>
            dispatcher.DispatchAsync(context.MessageId!.Value, key, new Dictionary<string, string> { ["code"] = m.Code }, [m.ParticipantId], ct,
                onlyChannels: [ChannelNames.Email]), time);
    }
}
