using System.Security.Claims;
using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Programme;
using Agora.Workshops.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.CheckIn;

public sealed record CheckInInput(string? Code);

public sealed record CheckInView(Guid RegistrationId, Guid SessionId, Guid ParticipantId, DateTimeOffset CheckedInAt);

/// <param name="NoShows">Confirmed but not checked in; final once the session has ended.</param>
public sealed record AttendanceSummary(Guid SessionId, int Confirmed, int Attended, int NoShows, bool Ended);

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
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
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
        var now = time.GetUtcNow();
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
        return TypedResults.Ok(new AttendanceSummary(id, confirmed, attended, confirmed - attended, session.EndsAt <= time.GetUtcNow()));
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
