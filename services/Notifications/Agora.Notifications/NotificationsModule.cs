using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Inbox;

namespace Agora.Notifications;

public static class NotificationsModule
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<NotificationsDbContext>("notificationsdb");
        builder.AddAgoraMessaging<NotificationsDbContext>("notifications", bus =>
            bus.AddConsumer<ParticipantRegisteredConsumer>());
        builder.Services.AddGrpc();
        return builder;
    }

    public static WebApplication MapNotifications(this WebApplication app)
    {
        app.MapInboxApi();
        return app;
    }
}

/// <summary>Marks this service's assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class NotificationsMarker;
