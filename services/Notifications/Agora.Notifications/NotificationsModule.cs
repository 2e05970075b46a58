using Agora.Messaging;
using Agora.Notifications.Announcements;
using Agora.Notifications.Channels;
using Agora.Notifications.Contacts;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Events;
using Agora.Notifications.Inbox;
using Agora.Notifications.Preferences;
using Agora.Notifications.Recipients;
using Agora.Notifications.Reminders;
using Agora.Notifications.Templates;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications;

public static class NotificationsModule
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        // Start-up check: every template in ar, fr and en with the same placeholders.
        var problems = Catalogue.Default.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(TemplateCatalogue.Describe(problems));
        }

        builder.AddServiceDatabase<NotificationsDbContext>("notificationsdb");
        builder.AddAgoraMessaging<NotificationsDbContext>("notifications", bus =>
        {
            bus.AddConsumer<ParticipantRegisteredConsumer>();
            bus.AddConsumer<ParticipantRoutingChangedConsumer>();
            bus.AddConsumer<ParticipantErasedConsumer>();
            bus.AddConsumer<ParticipantVettingDecidedConsumer>();
            bus.AddConsumer<OneTimeCodeIssuedConsumer>();
            bus.AddConsumer<MembershipInvitedConsumer>();
            bus.AddConsumer<SessionRegistrationConfirmedConsumer>();
            bus.AddConsumer<WaitlistPromotedConsumer>();
            bus.AddConsumer<WorkshopSessionCancelledConsumer>();
            bus.AddConsumer<WorkshopSessionScheduledConsumer>();
            bus.AddConsumer<MinutesPublishedConsumer>();
            bus.AddConsumer<StatementAcceptedConsumer>();
            bus.AddConsumer<CharterVersionPublishedConsumer>();
            bus.AddConsumer<BallotOpenedConsumer>();
            bus.AddConsumer<BallotClosedConsumer>();
            bus.AddConsumer<CharterAdoptedConsumer>();
            bus.AddConsumer<ActionDeadlineApproachingConsumer>();
            bus.AddConsumer<AnnouncementBatchRequestedConsumer>();
        });
        builder.Services.AddGrpc();

        var services = builder.Services;
        var config = builder.Configuration;
        services.AddSingleton(Catalogue.Default);
        services.AddSingleton<InboxSignal>();
        services.AddScoped<Dispatcher>();
        services.AddScoped<MessageSender>();
        services.AddScoped<EmailChannel>();
        services.Configure<DeliveryOptions>(config.GetSection("Notifications:Delivery"));
        services.Configure<ReminderOptions>(config.GetSection("Notifications:Reminders"));
        services.Configure<AnnouncementOptions>(config.GetSection("Notifications:Announcements"));
        services.Configure<SmtpOptions>(config.GetSection("Notifications:Smtp"));
        services.Configure<SmsOptions>(config.GetSection("Notifications:Sms"));
        services.Configure<RegistryAuthOptions>(config.GetSection("Notifications:Auth"));
        services.AddHostedService<DeliveryWorker>();
        services.AddHostedService<ReminderWorker>();

        services.AddHttpClient<ISmsProvider, HttpSmsProvider>();
        services.AddHttpClient(ClientCredentialsTokenSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<ClientCredentialsTokenSource>();
        services.AddTransient<RegistryTokenHandler>();
        services.AddGrpcClient<Agora.Contracts.Registry.V1.Contacts.ContactsClient>(o =>
                o.Address = new Uri(config["Notifications:RegistryGrpc"] is { Length: > 0 } address ? address : "http://127.0.0.1:5102"))
            .AddHttpMessageHandler<RegistryTokenHandler>();
        services.AddSingleton<ContactBatchSupport>();
        services.AddScoped<IContactDirectory, GrpcContactDirectory>();
        builder.AddErasedParticipants(async (services, since, ct) => await services.GetRequiredService<NotificationsDbContext>().Erased
            .AsNoTracking().Where(e => since == null || e.ErasedAt > since).Select(e => new ErasedRow(e.ParticipantId, e.ErasedAt)).ToListAsync(ct));
        return builder;
    }

    public static WebApplication MapNotifications(this WebApplication app)
    {
        app.MapInboxApi();
        app.MapPreferencesApi();
        app.MapDeliveriesApi();
        app.MapAnnouncementsApi();
        return app;
    }
}

/// <summary>Marks this service's assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class NotificationsMarker;
