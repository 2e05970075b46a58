using Agora.Notifications.Data;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Deliveries;

/// <summary>Steering sees each message's delivery status (no contact details are held here).</summary>
public static class DeliveriesApi
{
    public static IEndpointRouteBuilder MapDeliveriesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/notifications/deliveries", List).RequireAuthorization(Policies.Steering);
        return endpoints;
    }

    public sealed record DeliveryView(Guid Id, Guid EventId, Guid ParticipantId, string Channel, string Category, string TemplateKey,
        string Status, int Attempts, string? LastError, string? Language, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? SentAt);

    internal static async Task<Results<Ok<List<DeliveryView>>, ValidationProblem>> List(Guid? participantId, Guid? eventId, string? status, string? channel,
        int? limit, NotificationsDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (status is not null && status is not (DeliveryStatus.Pending or DeliveryStatus.Sent or DeliveryStatus.Failed or DeliveryStatus.Digest or DeliveryStatus.Digested))
        {
            errors.Add("status", "Use pending, sent, failed, digest or digested.");
        }
        if (channel is not null && !ChannelNames.All.Contains(channel, StringComparer.Ordinal))
        {
            errors.Add("channel", "Use inapp, email or sms.");
        }
        if (limit is < 1 or > 1000)
        {
            errors.Add("limit", "Use 1 to 1000.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var query = db.Deliveries.AsNoTracking();
        if (participantId is { } p)
        {
            query = query.Where(d => d.ParticipantId == p);
        }
        if (eventId is { } e)
        {
            query = query.Where(d => d.EventId == e);
        }
        if (status is not null)
        {
            query = query.Where(d => d.Status == status);
        }
        if (channel is not null)
        {
            query = query.Where(d => d.Channel == channel);
        }
        var rows = await query.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id).Take(limit ?? 100)
            .Select(d => new DeliveryView(d.Id, d.EventId, d.ParticipantId, d.Channel, d.Category, d.TemplateKey, d.Status, d.Attempts,
                d.LastError, d.Language, d.CreatedAt, d.NextAttemptAt, d.SentAt))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }
}
