using System.Security.Claims;
using System.Text;
using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Programme;
using Agora.Workshops.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Calendars;

/// <summary>A participant's sessions as an iCalendar feed, to add the programme to a phone.</summary>
public static class CalendarApi
{
    public static RouteGroupBuilder MapCalendarApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me/calendar.ics", MineAsync).RequireAuthorization(Policies.Participant);
        return api;
    }

    internal static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> MineAsync(ClaimsPrincipal user, string? lang,
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (lang is not null && !Languages.IsKnown(lang))
        {
            return new FieldErrors().Add("lang", "must be ar, fr or en.").ToProblem();
        }
        var me = user.ParticipantId();
        if (me is null)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "The token names no participant.");
        }
        var rows = await (
            from r in db.Registrations.AsNoTracking()
            join s in db.Sessions.AsNoTracking() on r.SessionId equals s.Id
            join w in db.Workshops.AsNoTracking() on s.WorkshopId equals w.Id
            // A session cancelled by its managers stays in the feed (STATUS:CANCELLED) for those it
            // turned away, so their calendar app removes or strikes it instead of keeping a stale copy.
            where r.ParticipantId == me
                && (r.Status != RegistrationStatus.Cancelled || (s.Cancelled && s.CancelledAt != null && r.CancelledAt == s.CancelledAt))
            orderby s.StartsAt
            select new { r.Status, Session = s, Workshop = w }).ToListAsync(ct);
        var language = lang ?? "ar";
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
        var body = ICalendarWriter.Write("Agora", events, time.GetUtcNow());
        return TypedResults.Text(body, "text/calendar; charset=utf-8", Encoding.UTF8);
    }

    private static string? Description(Workshop w, string language) => language switch
    {
        "fr" => w.DescriptionFr,
        "en" => w.DescriptionEn,
        _ => w.DescriptionAr,
    };
}
