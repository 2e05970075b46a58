using System.Text.Json;
using Agora.Notifications.Data;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Inbox;

/// <summary>
/// The in-app inbox. A participant reads their own (token <c>sub</c>); steering may read anyone's.
/// </summary>
public static class InboxApi
{
    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder endpoints)
    {
        var participants = endpoints.MapGroup("/api/notifications/participants/{participantId:guid}/inbox").RequireAuthorization(Policies.Participant);
        participants.MapGet("", GetInbox);
        participants.MapPost("/{notificationId:guid}/read", MarkRead);

        var me = endpoints.MapGroup("/api/notifications/me").RequireAuthorization(Policies.Participant);
        me.MapGet("/inbox", (HttpContext http, bool? unread, NotificationsDbContext db, CancellationToken ct) =>
            GetInbox(http.User.ParticipantId() ?? Guid.Empty, unread, http, db, ct));
        me.MapPost("/inbox/{notificationId:guid}/read", (Guid notificationId, HttpContext http, NotificationsDbContext db, TimeProvider time, CancellationToken ct) =>
            MarkRead(http.User.ParticipantId() ?? Guid.Empty, notificationId, http, db, time, ct));
        me.MapGet("/stream", Stream);
        return endpoints;
    }

    public sealed record InboxItem(Guid Id, string Category, string Language, string Direction, string Title, string Body, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

    private static InboxItem ToItem(InAppNotification n) =>
        new(n.Id, n.Category, n.Language, Templates.Languages.Direction(n.Language), n.Title, n.Body, n.CreatedAt, n.ReadAt);

    private static bool MayRead(HttpContext http, Guid participantId) =>
        http.User.ParticipantId() == participantId || http.User.IsSteering();

    internal static async Task<Results<Ok<List<InboxItem>>, ProblemHttpResult>> GetInbox(Guid participantId, bool? unread, HttpContext http,
        NotificationsDbContext db, CancellationToken ct)
    {
        if (!MayRead(http, participantId))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "You may read only your own inbox.");
        }
        var items = await db.Notifications.AsNoTracking()
            .Where(n => n.ParticipantId == participantId && (unread != true || n.ReadAt == null))
            .OrderByDescending(n => n.CreatedAt)
            .Take(100)
            .ToListAsync(ct);
        return TypedResults.Ok(items.Select(ToItem).ToList());
    }

    internal static async Task<Results<Ok<InboxItem>, ProblemHttpResult>> MarkRead(Guid participantId, Guid notificationId, HttpContext http,
        NotificationsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (http.User.ParticipantId() != participantId)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only the participant marks their messages read.");
        }
        var notification = await db.Notifications.SingleOrDefaultAsync(n => n.Id == notificationId && n.ParticipantId == participantId, ct);
        if (notification is null)
        {
            return Problems.NotFound("notification");
        }
        notification.ReadAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToItem(notification));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Server-Sent Events: each new inbox message as an <c>event: notification</c> with the item as JSON,
    /// a comment every 15 s to keep proxies from closing the stream. <c>Last-Event-ID</c> resumes after a message.
    /// </summary>
    internal static async Task Stream(HttpContext http, NotificationsDbContext db, InboxSignal signal, TimeProvider time, CancellationToken ct)
    {
        var participantId = http.User.ParticipantId();
        if (participantId is not { } me)
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var cursor = time.GetUtcNow();
        if (Guid.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), out var lastId)
            && await db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.Id == lastId && n.ParticipantId == me, ct) is { } last)
        {
            cursor = last.CreatedAt;
        }
        var seen = new HashSet<Guid>();
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync(": connected\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
        var lastBeat = time.GetUtcNow();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var wake = signal.WaitAsync(me);
                var fresh = await db.Notifications.AsNoTracking()
                    .Where(n => n.ParticipantId == me && n.CreatedAt >= cursor)
                    .OrderBy(n => n.CreatedAt).Take(100).ToListAsync(ct);
                foreach (var n in fresh.Where(n => seen.Add(n.Id)))
                {
                    await http.Response.WriteAsync($"id: {n.Id}\nevent: notification\ndata: {JsonSerializer.Serialize(ToItem(n), Json)}\n\n", ct);
                    cursor = n.CreatedAt > cursor ? n.CreatedAt : cursor;
                }
                if (time.GetUtcNow() - lastBeat > TimeSpan.FromSeconds(15))
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    lastBeat = time.GetUtcNow();
                }
                await http.Response.Body.FlushAsync(ct);
                await Task.WhenAny(wake, Task.Delay(TimeSpan.FromSeconds(1), ct));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
