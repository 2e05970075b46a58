using System.Security.Claims;
using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Workshops.CheckIn;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Eligibility;
using Agora.Workshops.Programme;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Registrations;

/// <summary>Registering for a session, within its capacity, else on its waitlist; cancelling promotes the next in line.</summary>
public static class RegistrationsApi
{
    public static RouteGroupBuilder MapRegistrationsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/sessions/{id:guid}/registrations", RegisterAsync).RequireAuthorization(Policies.Participant);
        api.MapGet("/sessions/{id:guid}/registrations", RosterAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        api.MapGet("/registrations/{id:guid}", GetAsync).RequireAuthorization(Policies.Participant);
        api.MapDelete("/registrations/{id:guid}", CancelAsync).RequireAuthorization(Policies.Participant);
        api.MapGet("/me/registrations", MineAsync).RequireAuthorization(Policies.Participant);
        return api;
    }

    internal static async Task<Results<Created<RegistrationView>, ProblemHttpResult>> RegisterAsync(Guid id, ClaimsPrincipal user,
        WorkshopsDbContext db, IParticipantEligibility eligibility, RegistrationGate gate, TimeProvider time, CancellationToken ct)
    {
        if (user.ParticipantId() is not Guid participantId)
        {
            return Access.NoParticipant();
        }
        using var slot = await gate.EnterAsync(ct);
        if (slot is null)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "busy", "Too many registrations at once; try again shortly.");
        }

        // What does not change under the session's lock is read before taking it, in one query, so
        // the lock is held for as few round trips as possible.
        var known = await (
            from s in db.Sessions.AsNoTracking()
            join w in db.Workshops.AsNoTracking() on s.WorkshopId equals w.Id
            where s.Id == id
            select new { w.Status, Reserved = s.ReservationsReleasedAt == null && db.SeatReservations.Any(r => r.SessionId == s.Id) })
            .FirstOrDefaultAsync(ct);
        if (known is null)
        {
            return Problems.NotFound("session");
        }
        if (known.Status is not (WorkshopStatus.Open or WorkshopStatus.InProgress))
        {
            return Problems.Conflict("registration-closed", "This workshop does not take registrations.", $"The workshop is {known.Status}.");
        }
        switch (await eligibility.CheckAsync(participantId, ct))
        {
            case EligibilityAnswer.Eligible:
                break;
            case EligibilityAnswer.RegistryUnavailable:
                return Problems.Of(StatusCodes.Status503ServiceUnavailable, "registry-unavailable",
                    "Eligibility cannot be checked right now; try again shortly.");
            case EligibilityAnswer.FoundingCallOutdated:
                return Problems.Of(StatusCodes.Status403Forbidden, "founding-call-adherence-outdated",
                    "A new version of the founding call was published since you adhered to it.",
                    "Adhere to the current version of the founding call (POST /api/registry/me/adherence), then register again.");
            default:
                return Problems.Of(StatusCodes.Status403Forbidden, "not-eligible",
                    "Only approved participants who adhered to the current founding call can register.");
        }
        // Reserved seats (and so the registrant's consented attributes) matter only while they hold.
        var reservations = known.Reserved ? await db.SeatReservations.AsNoTracking().Where(r => r.SessionId == id).ToListAsync(ct) : [];
        var profile = known.Reserved ? await db.Profiles.AsNoTracking().FirstOrDefaultAsync(p => p.ParticipantId == participantId, ct) : null;

        try
        {
            return await db.InTransactionAsync<Results<Created<RegistrationView>, ProblemHttpResult>>(async ct =>
            {
                db.Database.AutoSavepointsEnabled = false;
                var now = time.GetUtcNow();
                // One round trip: take the session's lock and the next arrival number, then count its seats.
                var ticket = await SeatAllocator.TakeTicketAsync(db, id, ct);
                if (ticket is null)
                {
                    return (false, Problems.NotFound("session"));
                }
                if (ticket.Cancelled)
                {
                    return (false, Problems.Conflict("session-cancelled", "This session was cancelled."));
                }
                if (ticket.StartsAt <= now)
                {
                    return (false, Problems.Of(StatusCodes.Status422UnprocessableEntity, "session-started",
                        "This session has already started or is over."));
                }
                // A second live registration of the same person is refused by the unique index at save.
                var (hasSeat, pool) = SeatAllocator.Choose(ticket.Capacity, ticket.ReservationsReleased, reservations, ticket.Seats, profile);
                var registration = new Registration
                {
                    Id = Guid.CreateVersion7(now),
                    SessionId = id,
                    WorkshopId = ticket.WorkshopId,
                    ParticipantId = participantId,
                    Status = hasSeat ? RegistrationStatus.Confirmed : RegistrationStatus.Waitlisted,
                    Sequence = ticket.Sequence,
                    SeatPool = pool,
                    CheckInCode = CheckInCode.New(),
                    RegisteredAt = now,
                    ConfirmedAt = hasSeat ? now : null,
                };
                db.Registrations.Add(registration);
                db.AddEvent(new SessionRegistrationConfirmed(registration.Id, id, ticket.WorkshopId, participantId, registration.Status,
                    ticket.StartsAt, now), now);
                await db.SaveChangesAsync(ct);
                return (true, TypedResults.Created($"/api/workshops/registrations/{registration.Id}", View(registration, hasSeat ? null : ticket.Waitlisted + 1)));
            }, ct);
        }
        catch (DbUpdateException e) when (e.IsViolationOf(WorkshopsDbContext.OneLiveRegistrationIndex))
        {
            return Problems.Conflict("already-registered", "You are already registered for this session.");
        }
    }

    internal static async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var r = await db.Registrations.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (r is null || (r.ParticipantId != user.ParticipantId() && !user.IsSteering()))
        {
            return Problems.NotFound("registration");
        }
        // Steering may read it, but the check-in code is its holder's pass at the door and the seat pool their constituency:
        // shown to the owner only.
        return TypedResults.Ok(View(r, await PositionAsync(db, r, ct), owner: r.ParticipantId == user.ParticipantId()));
    }

    internal static async Task<Ok<List<RegistrationView>>> MineAsync(ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var me = user.ParticipantId();
        var list = await db.Registrations.AsNoTracking().Where(r => r.ParticipantId == me && r.Status != RegistrationStatus.Cancelled)
            .OrderBy(r => r.RegisteredAt).ToListAsync(ct);
        var views = new List<RegistrationView>();
        foreach (var r in list)
        {
            views.Add(View(r, await PositionAsync(db, r, ct)));
        }
        return TypedResults.Ok(views);
    }

    internal static async Task<Results<Ok<List<RosterEntry>>, ProblemHttpResult>> RosterAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
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
        var roster = await db.Registrations.AsNoTracking().Where(r => r.SessionId == id).OrderBy(r => r.Sequence)
            .Select(r => new RosterEntry(r.Id, r.ParticipantId, r.Status, r.Sequence, r.RegisteredAt, r.CheckedInAt))
            .ToListAsync(ct);
        return TypedResults.Ok(roster);
    }

    /// <summary>Cancels a registration (its owner or steering); a freed seat goes to the first on the waitlist who may take it.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> CancelAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var sessionId = await db.Registrations.Where(r => r.Id == id && (r.ParticipantId == user.ParticipantId() || user.IsSteering()))
            .Select(r => (Guid?)r.SessionId).FirstOrDefaultAsync(ct);
        if (sessionId is null)
        {
            return Problems.NotFound("registration");
        }
        return await db.InTransactionAsync<Results<NoContent, ProblemHttpResult>>(async ct =>
        {
            var now = time.GetUtcNow();
            var session = (await SeatAllocator.LockSessionAsync(db, sessionId.Value, ct))!;
            var r = await db.Registrations.FirstAsync(r => r.Id == id, ct);
            if (r.Status == RegistrationStatus.Cancelled)
            {
                return (false, Problems.Conflict("already-cancelled", "This registration is already cancelled."));
            }
            if (session.StartsAt <= now)
            {
                return (false, Problems.Of(StatusCodes.Status422UnprocessableEntity, "session-started", "This session has already started or is over."));
            }
            await SeatAllocator.CancelAsync(db, session, r, now, ct);
            return (true, TypedResults.NoContent());
        }, ct);
    }

    internal static async Task<int?> PositionAsync(WorkshopsDbContext db, Registration r, CancellationToken ct) =>
        r.Status != RegistrationStatus.Waitlisted ? null
            : await db.Registrations.CountAsync(x => x.SessionId == r.SessionId && x.Status == RegistrationStatus.Waitlisted && x.Sequence <= r.Sequence, ct);

    internal static RegistrationView View(Registration r, int? position, bool owner = true)
    {
        var code = owner && r.Status == RegistrationStatus.Confirmed;
        return new RegistrationView(r.Id, r.SessionId, r.WorkshopId, r.Status, r.Sequence, position, owner ? r.SeatPool : null,
            code ? r.CheckInCode : null, code ? CheckInCode.QrPayload(r.SessionId, r.CheckInCode) : null, r.RegisteredAt, r.CheckedInAt);
    }
}
