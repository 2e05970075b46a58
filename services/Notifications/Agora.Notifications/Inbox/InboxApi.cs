using Agora.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Inbox;

public static class InboxApi
{
    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/notifications/participants/{participantId:guid}/inbox", GetInbox);
        return endpoints;
    }

    public sealed record InboxItem(Guid Id, string Category, string Language, string Direction, string Title, string Body, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

    internal static async Task<IResult> GetInbox(Guid participantId, NotificationsDbContext db, CancellationToken ct)
    {
        var items = await db.Notifications.AsNoTracking()
            .Where(n => n.ParticipantId == participantId)
            .OrderByDescending(n => n.CreatedAt)
            .Take(100)
            .ToListAsync(ct);
        return TypedResults.Ok(items.Select(n => new InboxItem(n.Id, n.Category, n.Language,
            Templates.MessageTemplates.Direction(n.Language), n.Title, n.Body, n.CreatedAt, n.ReadAt)).ToList());
    }
}
