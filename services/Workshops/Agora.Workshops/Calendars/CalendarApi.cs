using System.Security.Claims;
using System.Text;
using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Erasure;
using Agora.Workshops.Programme;
using Agora.Workshops.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Calendars;

public sealed record CalendarFeedInput(string? Lang);

/// <param name="Url">The path to append to the gateway's base address; it holds the secret token, shown only here.</param>
public sealed record CalendarFeedCreated(string Url, string Lang, DateTimeOffset CreatedAt);

public sealed record CalendarFeedView(string Lang, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>
/// A participant's sessions as an iCalendar feed, to add the programme to a phone: for a signed-in
/// client, and by a private, revocable subscription URL (<see cref="CalendarFeed"/>) for calendar apps.
/// </summary>
public static class CalendarApi
{
    public static RouteGroupBuilder MapCalendarApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me/calendar.ics", MineAsync).RequireAuthorization(Policies.Participant);
        // The feed URL is its own credential. Its token is in the query string, which the traces redact
        // (ASP.NET Core's url.query: "feed=Redacted"; System.Net.Http's client spans: "?*") and the
        // request logs (Microsoft.AspNetCore at Information) are off by default: see the README.
        api.MapGet("/calendar.ics", SubscribedAsync).AllowAnonymous();
        api.MapPost("/me/calendar-feed", CreateFeedAsync).RequireAuthorization(Policies.Participant);
        api.MapGet("/me/calendar-feed", FeedAsync).RequireAuthorization(Policies.Participant);
        api.MapDelete("/me/calendar-feed", RevokeFeedAsync).RequireAuthorization(Policies.Participant);
        return api;
    }

    internal static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> MineAsync(ClaimsPrincipal user, string? lang,
        HttpResponse response, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (lang is not null && !Languages.IsKnown(lang))
        {
            return UnknownLanguage();
        }
        if (user.ParticipantId() is not Guid me)
        {
            return Access.NoParticipant();
        }
        return await CalendarAsync(db, me, lang ?? "ar", time.GetUtcNow(), response, ct);
    }

    /// <summary>
    /// The calendar of the feed's owner, in the feed's language unless <paramref name="lang"/> says
    /// otherwise. A token that is missing, malformed, unknown or revoked gets one and the same 404.
    /// </summary>
    internal static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> SubscribedAsync(string? feed, string? lang,
        HttpResponse response, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (lang is not null && !Languages.IsKnown(lang))
        {
            return UnknownLanguage();
        }
        var hash = CalendarFeed.HashOfPresented(feed);
        var found = hash is null ? null : await db.CalendarFeeds.AsNoTracking().FirstOrDefaultAsync(f => f.TokenHash == hash, ct);
        if (found is null)
        {
            return Problems.NotFound("calendar feed");
        }
        var now = time.GetUtcNow();
        if (found.LastUsedAt is null || found.LastUsedAt <= now - CalendarFeed.LastUseResolution)
        {
            var before = now - CalendarFeed.LastUseResolution;
            await db.CalendarFeeds.Where(f => f.TokenHash == hash && (f.LastUsedAt == null || f.LastUsedAt <= before))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.LastUsedAt, now), ct);
        }
        return await CalendarAsync(db, found.ParticipantId, lang ?? found.Language, now, response, ct);
    }

    /// <summary>A new feed URL, replacing (and so ending) any earlier one; its token is shown only in this answer.</summary>
    internal static async Task<Results<Created<CalendarFeedCreated>, ValidationProblem, ProblemHttpResult>> CreateFeedAsync(CalendarFeedInput? input,
        ClaimsPrincipal user, HttpResponse response, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var lang = input?.Lang ?? "ar";
        if (!Languages.IsKnown(lang))
        {
            return UnknownLanguage();
        }
        if (user.ParticipantId() is not Guid me)
        {
            return Access.NoParticipant();
        }
        var token = CalendarFeed.NewToken();
        var hash = CalendarFeed.Hash(token);
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10)); // to the microsecond, as PostgreSQL keeps it: the answer matches a later GET
        // Under the participant's erasure lock: a feed is never made for someone already erased (their
        // access token outlives the erasure by minutes), and one made just before is deleted by it. The
        // upsert is one statement, so two requests at once leave one feed (the last), not a key violation.
        var written = await db.InTransactionAsync(async ct =>
        {
            await db.Database.ExecuteSqlAsync(ErasedParticipant.LockSql(me), ct);
            var rows = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO calendar_feeds (participant_id, token_hash, language, created_at, last_used_at)
                SELECT {me}, {hash}, {lang}, {now}, NULL
                WHERE NOT EXISTS (SELECT 1 FROM erased_participants WHERE participant_id = {me})
                ON CONFLICT (participant_id) DO UPDATE
                SET token_hash = excluded.token_hash, language = excluded.language, created_at = excluded.created_at, last_used_at = NULL
                """, ct);
            return (true, rows);
        }, ct);
        if (written == 0)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "participant-erased", "This participant was erased.");
        }
        // The answer holds a credential: no cache keeps it.
        response.Headers.CacheControl = "no-store";
        return TypedResults.Created("/api/workshops/me/calendar-feed", new CalendarFeedCreated(CalendarFeed.UrlPrefix + token, lang, now));
    }

    internal static async Task<Results<Ok<CalendarFeedView>, ProblemHttpResult>> FeedAsync(ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        if (user.ParticipantId() is not Guid me)
        {
            return Access.NoParticipant();
        }
        var feed = await db.CalendarFeeds.AsNoTracking().Where(f => f.ParticipantId == me)
            .Select(f => new CalendarFeedView(f.Language, f.CreatedAt, f.LastUsedAt)).FirstOrDefaultAsync(ct);
        return feed is null ? Problems.NotFound("calendar feed") : TypedResults.Ok(feed);
    }

    /// <summary>Ends the feed URL; revoking when there is none is not an error.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeFeedAsync(ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        if (user.ParticipantId() is not Guid me)
        {
            return Access.NoParticipant();
        }
        await db.CalendarFeeds.Where(f => f.ParticipantId == me).ExecuteDeleteAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<ContentHttpResult> CalendarAsync(WorkshopsDbContext db, Guid participantId, string language, DateTimeOffset now,
        HttpResponse response, CancellationToken ct)
    {
        var rows = await (
            from r in db.Registrations.AsNoTracking()
            join s in db.Sessions.AsNoTracking() on r.SessionId equals s.Id
            join w in db.Workshops.AsNoTracking() on s.WorkshopId equals w.Id
            // A session cancelled by its managers stays in the feed (STATUS:CANCELLED) for those it
            // turned away, so their calendar app removes or strikes it instead of keeping a stale copy.
            where r.ParticipantId == participantId
                && (r.Status != RegistrationStatus.Cancelled || (s.Cancelled && s.CancelledAt != null && r.CancelledAt == s.CancelledAt))
            orderby s.StartsAt
            select new { r.Status, Session = s, Workshop = w }).ToListAsync(ct);
        var events = rows.Select(x => new CalendarEvent(
            x.Session.Id,
            x.Session.StartsAt,
            x.Session.EndsAt,
            x.Workshop.Title(language),
            Description(x.Workshop, language),
            x.Session.Venue is null ? null : string.Join(", ", new[] { x.Session.Venue, x.Session.Room }.Where(v => v is not null)),
            x.Session.Link,
            x.Status == RegistrationStatus.Waitlisted,
            x.Session.Cancelled)).ToList();
        // Stored nowhere on the way: the body is one person's programme, a feed URL can be revoked, and a
        // cancelled session should reach the next poll. Calendar apps poll every few hours at most and
        // ignore caching headers, so a max-age would save little; no-store also keeps the file out of a
        // browser's disk cache when someone opens the URL there.
        response.Headers.CacheControl = "private, no-store";
        return TypedResults.Text(ICalendarWriter.Write("Agora", events, now), "text/calendar; charset=utf-8", Encoding.UTF8);
    }

    private static ValidationProblem UnknownLanguage() => new FieldErrors().Add("lang", "must be ar, fr or en.").ToProblem();

    private static string? Description(Workshop w, string language) => language switch
    {
        "fr" => w.DescriptionFr,
        "en" => w.DescriptionEn,
        _ => w.DescriptionAr,
    };
}
