using System.Security.Claims;
using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Programme;

/// <summary>
/// Cancelling a session (steering or the workshop's facilitators): the session is marked cancelled
/// with its reason, every live registration of it (confirmed or waitlisted) is cancelled — nobody is
/// promoted —, and <see cref="WorkshopSessionCancelled"/> names the participants concerned (ids only)
/// so the notifications service can tell them. One transaction under the session's row lock, so a
/// registration arriving at the same moment either lands before (and is cancelled with the rest) or
/// finds the session cancelled.
/// </summary>
public static class SessionCancellation
{
    public const int MaxReasonLength = 500;

    public static RouteGroupBuilder MapSessionCancellationApi(this RouteGroupBuilder api)
    {
        api.MapPost("/sessions/{id:guid}/cancel", CancelAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        return api;
    }

    internal static async Task<Results<Ok<SessionView>, ValidationProblem, ProblemHttpResult>> CancelAsync(Guid id, CancelSessionInput? input,
        ClaimsPrincipal user, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var reason = input?.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReasonLength)
        {
            return new FieldErrors().Add("reason", $"is required (at most {MaxReasonLength} characters).").ToProblem();
        }
        if (FreeText.HasControlCharacters(reason, allowLineBreaks: true))
        {
            return new FieldErrors().Add("reason", FreeText.ControlCharactersInTextError).ToProblem();
        }
        var known = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (known is null)
        {
            return Problems.NotFound("session");
        }
        var workshop = await db.Workshops.AsNoTracking().FirstAsync(w => w.Id == known.WorkshopId, ct);
        if (!workshop.IsManagedBy(user))
        {
            return ProgrammeApi.Forbidden();
        }
        return await db.InTransactionAsync<Results<Ok<SessionView>, ValidationProblem, ProblemHttpResult>>(async ct =>
        {
            var now = time.GetUtcNow();
            var session = (await SeatAllocator.LockSessionAsync(db, id, ct))!;
            if (session.Cancelled)
            {
                return (false, Problems.Conflict("session-already-cancelled", "This session is already cancelled."));
            }
            if (session.StartsAt <= now)
            {
                return (false, Problems.Conflict("session-started", "A session that has started or is over cannot be cancelled."));
            }
            await CancelLockedAsync(db, session, reason, cause: null, now, ct);
            await db.SaveChangesAsync(ct);
            return (true, TypedResults.Ok(SessionRules.View(session, 0, 0)));
        }, ct);
    }

    /// <summary>
    /// Cancels <paramref name="session"/>, whose row lock the caller's transaction holds: its live
    /// registrations are cancelled (nobody promoted) and <see cref="WorkshopSessionCancelled"/> names them;
    /// the caller saves. Used by <c>POST /sessions/{id}/cancel</c> (<paramref name="cause"/> null: the manager's
    /// reason says why) and by closing a workshop (<see cref="WorkshopSessionCancelled.WorkshopClosed"/>), the
    /// cause travelling in the event so that consumers can word it in each language.
    /// </summary>
    internal static async Task CancelLockedAsync(WorkshopsDbContext db, Session session, string reason, string? cause, DateTimeOffset now, CancellationToken ct)
    {
        var live = await db.Registrations.Where(r => r.SessionId == session.Id && r.Status != RegistrationStatus.Cancelled)
            .OrderBy(r => r.Sequence).ToListAsync(ct);
        foreach (var r in live)
        {
            r.Status = RegistrationStatus.Cancelled;
            r.CancelledAt = now;
        }
        session.Cancelled = true;
        session.CancelledAt = now;
        session.CancellationReason = reason;
        session.CancellationCause = cause;
        db.AddEvent(new WorkshopSessionCancelled(session.WorkshopId, session.Id, now) { ParticipantIds = live.Select(r => r.ParticipantId).ToList(), Cause = cause }, now);
    }
}
