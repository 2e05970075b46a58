using System.Globalization;
using System.Security.Claims;
using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Programme;
using Agora.Workshops.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Workshops.CheckIn;

public sealed class CheckInOptions
{
    /// <summary>How long before a session starts its doors open for check-in (<c>Workshops:CheckIn:OpensBefore</c>); check-in closes at its end.</summary>
    public TimeSpan OpensBefore { get; set; } = TimeSpan.FromMinutes(60);
}

public sealed record CheckInInput(string? Code);

public sealed record CheckInView(Guid RegistrationId, Guid SessionId, Guid ParticipantId, DateTimeOffset CheckedInAt);

/// <param name="NoShows">Confirmed but not checked in, once the session has ended (check-in closed); null before, while anyone may still arrive.</param>
public sealed record AttendanceSummary(Guid SessionId, int Confirmed, int Attended, int? NoShows, bool Ended);

public sealed record AttendedSession(Guid SessionId, Guid WorkshopId, string Theme, LocalizedText Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string StartsAtLocal, string Mode, string? Venue, DateTimeOffset CheckedInAt);

/// <summary>An attendee's record of the sessions they attended (ids only; the registry holds who they are).</summary>
public sealed record AttendanceRecord(Guid ParticipantId, DateTimeOffset IssuedAt, IReadOnlyList<AttendedSession> Sessions);

/// <summary>Scanning check-in codes at the door, counting attendance and no-shows, and attendance records.</summary>
public static class CheckInApi
{
    public static RouteGroupBuilder MapCheckInApi(this RouteGroupBuilder api)
    {
        api.MapPost("/sessions/{id:guid}/check-ins", CheckInAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        api.MapGet("/sessions/{id:guid}/attendance", SummaryAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        api.MapGet("/me/attendance", RecordAsync).RequireAuthorization(Policies.Participant);
        return api;
    }

    internal static async Task<Results<Ok<CheckInView>, ValidationProblem, ProblemHttpResult>> CheckInAsync(Guid id, CheckInInput input, ClaimsPrincipal user,
        WorkshopsDbContext db, TimeProvider time, IOptions<CheckInOptions> options, CancellationToken ct)
    {
        var code = CheckInCode.Normalize(input.Code);
        if (code.Length is 0 or > 40)
        {
            return new FieldErrors().Add("code", "is required.").ToProblem();
        }
        if (FreeText.HasControlCharacters(code))
        {
            return new FieldErrors().Add("code", "is not a check-in code: it contains control characters.").ToProblem();
        }
        var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (session is null)
        {
            return Problems.NotFound("session");
        }
        var workshop = await db.Workshops.AsNoTracking().FirstAsync(w => w.Id == session.WorkshopId, ct);
        if (!workshop.IsManagedBy(user))
        {
            return ProgrammeApi.Forbidden();
        }
        if (session.Cancelled)
        {
            return Problems.Conflict("session-cancelled", "This session was cancelled; nobody checks in.");
        }
        // Doors open OpensBefore the start and close at the end: a code is not scanned days ahead, nor after.
        var now = time.GetUtcNow();
        var opensAt = session.StartsAt - options.Value.OpensBefore;
        if (now < opensAt || now >= session.EndsAt)
        {
            var closed = now < opensAt
                ? Problems.Conflict("check-in-closed", "Check-in for this session has not opened yet.",
                    string.Create(CultureInfo.InvariantCulture, $"Check-in opens at {TunisTime.Format(opensAt)} Africa/Tunis time ({opensAt:O})."))
                : Problems.Conflict("check-in-closed", "Check-in for this session has closed.",
                    string.Create(CultureInfo.InvariantCulture, $"Check-in closed when the session ended, at {TunisTime.Format(session.EndsAt)} Africa/Tunis time ({session.EndsAt:O})."));
            closed.ProblemDetails.Extensions["opensAt"] = opensAt;
            closed.ProblemDetails.Extensions["closesAt"] = session.EndsAt;
            return closed;
        }
        var r = await db.Registrations.AsNoTracking().FirstOrDefaultAsync(r => r.CheckInCode == code, ct);
        if (r is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown-check-in-code", "This check-in code is not known.");
        }
        if (r.SessionId != id)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "wrong-session", "This code is for another session.");
        }
        if (r.Status != RegistrationStatus.Confirmed)
        {
            return Problems.Conflict("not-confirmed", "This registration holds no confirmed seat.", $"It is {r.Status}.");
        }
        // Two scanners at once: only the update that still sees no check-in records it.
        var recorded = await db.Registrations
            .Where(x => x.Id == r.Id && x.CheckedInAt == null && x.Status == RegistrationStatus.Confirmed)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.CheckedInAt, now), ct);
        if (recorded == 0)
        {
            return Problems.Conflict("already-checked-in", "This code was already used.");
        }
        return TypedResults.Ok(new CheckInView(r.Id, id, r.ParticipantId, now));
    }

    internal static async Task<Results<Ok<AttendanceSummary>, ProblemHttpResult>> SummaryAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (session is null)
        {
            return Problems.NotFound("session");
        }
        var workshop = await db.Workshops.AsNoTracking().FirstAsync(w => w.Id == session.WorkshopId, ct);
        if (!workshop.IsManagedBy(user))
        {
            return ProgrammeApi.Forbidden();
        }
        var confirmed = await db.Registrations.CountAsync(r => r.SessionId == id && r.Status == RegistrationStatus.Confirmed, ct);
        var attended = await db.Registrations.CountAsync(r => r.SessionId == id && r.Status == RegistrationStatus.Confirmed && r.CheckedInAt != null, ct);
        var ended = session.EndsAt <= time.GetUtcNow();
        return TypedResults.Ok(new AttendanceSummary(id, confirmed, attended, ended ? confirmed - attended : null, ended));
    }

    internal static async Task<Results<Ok<AttendanceRecord>, ProblemHttpResult>> RecordAsync(ClaimsPrincipal user, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var me = user.ParticipantId();
        if (me is null)
        {
            return Access.NoParticipant();
        }
        var rows = await (
            from r in db.Registrations.AsNoTracking()
            join s in db.Sessions.AsNoTracking() on r.SessionId equals s.Id
            join w in db.Workshops.AsNoTracking() on s.WorkshopId equals w.Id
            // Checked in and still holding the seat, at a session that took place: what the session's own attendance
            // counts. A registration cancelled after an early check-in, or a session called off after it, is no attendance.
            where r.ParticipantId == me && r.CheckedInAt != null && r.Status == RegistrationStatus.Confirmed && !s.Cancelled
            orderby s.StartsAt
            select new { r.CheckedInAt, Session = s, Workshop = w }).ToListAsync(ct);
        var sessions = rows.Select(x => new AttendedSession(x.Session.Id, x.Workshop.Id, x.Workshop.Theme,
            new LocalizedText(x.Workshop.TitleAr, x.Workshop.TitleFr, x.Workshop.TitleEn), x.Session.StartsAt, x.Session.EndsAt,
            Common.TunisTime.Format(x.Session.StartsAt), x.Session.Mode, x.Session.Venue, x.CheckedInAt!.Value)).ToList();
        return TypedResults.Ok(new AttendanceRecord(me.Value, time.GetUtcNow(), sessions));
    }
}
