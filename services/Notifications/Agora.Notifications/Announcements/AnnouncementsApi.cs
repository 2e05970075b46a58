using Agora.Contracts.Notifications;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.Notifications.Templates;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Notifications.Announcements;

public sealed class AnnouncementOptions
{
    /// <summary>Recipients per <see cref="AnnouncementBatchRequested"/> message.</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>Steering announces to a segment; the recipients are fanned out through the bus in batches.</summary>
public static class AnnouncementsApi
{
    public static IEndpointRouteBuilder MapAnnouncementsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/notifications/announcements", Post).RequireAuthorization(Policies.Steering);
        return endpoints;
    }

    /// <param name="Segment">everyone | workshop:&lt;id&gt; | governorate:&lt;code&gt; | kind:organization|movement|individual</param>
    /// <param name="Titles">Per language (ar, fr, en); at least one; a language with a title needs a body.</param>
    public sealed record AnnouncementRequest(string? Segment, Dictionary<string, string>? Titles, Dictionary<string, string>? Bodies);

    public sealed record AnnouncementAccepted(Guid Id, string Segment, int Recipients, int Batches);

    private const int SaveEvery = 20;

    internal static async Task<Results<Accepted<AnnouncementAccepted>, ValidationProblem, ProblemHttpResult>> Post(AnnouncementRequest body,
        HttpContext http, NotificationsDbContext db, TimeProvider time, IOptions<AnnouncementOptions> options, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Segment.TryParse(body.Segment, out var segment))
        {
            errors.Add("segment", "Use everyone, workshop:<id>, governorate:<code> or kind:organization|movement|individual.");
        }
        var titles = body.Titles ?? [];
        var bodies = body.Bodies ?? [];
        foreach (var language in titles.Keys.Concat(bodies.Keys).Distinct(StringComparer.Ordinal))
        {
            if (!Languages.IsSupported(language))
            {
                errors.Add($"titles.{language}", "Languages are ar, fr and en.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(titles.GetValueOrDefault(language)) || titles[language].Length > 300)
            {
                errors.Add($"titles.{language}", "A title of 1 to 300 characters is needed for each language with a body.");
            }
            if (string.IsNullOrWhiteSpace(bodies.GetValueOrDefault(language)) || bodies[language].Length > 5000)
            {
                errors.Add($"bodies.{language}", "A body of 1 to 5000 characters is needed for each language with a title.");
            }
        }
        if (titles.Count == 0 && bodies.Count == 0)
        {
            errors.Add("titles", "Give the announcement in at least one language (ar, fr, en).");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var recipients = await segment.ResolveAsync(db, ct);
        if (recipients.Count == 0)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "empty-segment", "Nobody is in this segment.",
                $"The segment '{segment}' has no known participants; nothing was sent.");
        }
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var batchSize = Math.Max(1, options.Value.BatchSize);
        var batchCount = (recipients.Count + batchSize - 1) / batchSize;
        var cleanTitles = titles.ToDictionary(t => t.Key, t => t.Value.Trim(), StringComparer.Ordinal);
        var cleanBodies = bodies.ToDictionary(t => t.Key, t => t.Value.Trim(), StringComparer.Ordinal);
        // One transaction for the announcement and all its batches, saved a few batches at a time so
        // that a 100,000-recipient announcement never tracks all its outbox rows at once.
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Announcements.Add(new Announcement
            {
                Id = id,
                Segment = segment.ToString(),
                RecipientCount = recipients.Count,
                BatchCount = batchCount,
                CreatedBy = http.User.ParticipantId(),
                CreatedAt = now,
            });
            var pending = 0;
            foreach (var batch in recipients.Chunk(batchSize))
            {
                db.AddEvent(new AnnouncementBatchRequested(id, segment.ToString(), batch, cleanTitles, cleanBodies, now), now);
                if (++pending == SaveEvery)
                {
                    await db.SaveChangesAsync(ct);
                    db.ChangeTracker.Clear();
                    pending = 0;
                }
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        return TypedResults.Accepted($"/api/notifications/deliveries?eventId={id}", new AnnouncementAccepted(id, segment.ToString(), recipients.Count, batchCount));
    }
}
