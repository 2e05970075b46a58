using Agora.Contracts.Notifications;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Templates;
using MassTransit;

namespace Agora.Notifications.Announcements;

/// <summary>One batch of an announcement: a message per recipient and chosen channel, keyed by the announcement id.</summary>
public sealed class AnnouncementBatchRequestedConsumer(NotificationsDbContext db, Dispatcher dispatcher, TimeProvider time) : IConsumer<AnnouncementBatchRequested>
{
    public Task Consume(ConsumeContext<AnnouncementBatchRequested> context)
    {
        var m = context.Message;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (language, title) in m.Titles)
        {
            parameters[$"title.{language}"] = title;
        }
        foreach (var (language, body) in m.Bodies)
        {
            parameters[$"body.{language}"] = body;
        }
        return db.ConsumeOnceAsync(context, nameof(AnnouncementBatchRequestedConsumer), ct =>
            dispatcher.DispatchBulkAsync(m.AnnouncementId, TemplateCatalogue.Announcement, parameters, m.Recipients, ct), time);
    }
}
