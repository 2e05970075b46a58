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
/// Changing a session before it starts (steering or the workshop's facilitators): its times, mode,
/// place, link and capacity, validated as creation validates them (<see cref="SessionRules.Build"/>).
/// One transaction under the session's row lock — the lock registrations take — so a registration
/// arriving at the same moment counts against either the old capacity or the new one, never more. A
/// raised capacity promotes the waitlist in arrival order (<see cref="SeatAllocator.PromoteAsync"/>);
/// a capacity below the seats already confirmed is refused. A change of time, place or link
/// republishes <see cref="WorkshopSessionScheduled"/> (with <c>ChangedAt</c> and the registrants'
/// ids), so notifications moves the reminders and tells the registrants.
/// </summary>
public static class SessionEditing
{
    public static RouteGroupBuilder MapSessionEditingApi(this RouteGroupBuilder api)
    {
        api.MapPut("/sessions/{id:guid}", UpdateAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        return api;
    }

    internal static async Task<Results<Ok<SessionView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, SessionInput input, ClaimsPrincipal user,
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        // Reservations never change after creation (registrations read them before taking the lock).
        var known = await db.Sessions.AsNoTracking().Include(s => s.Reservations).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (known is null)
        {
            return Problems.NotFound("session");
        }
        var workshop = await db.Workshops.AsNoTracking().FirstAsync(w => w.Id == known.WorkshopId, ct);
        if (!workshop.IsManagedBy(user))
        {
            return ProgrammeApi.Forbidden();
        }
        if (workshop.Status == WorkshopStatus.Closed)
        {
            return Problems.Conflict("workshop-closed", "A closed workshop's sessions are not changed.");
        }
        var errors = new FieldErrors();
        var current = known.Reservations.Select(r => new ReservationInput(r.Constituency, r.Seats)).ToList();
        var edited = SessionRules.Build(input with { ReservedSeats = input.ReservedSeats ?? current }, known.WorkshopId, time.GetUtcNow(), errors);
        if (edited is not null && !SameReservations(edited.Reservations, known.Reservations))
        {
            errors.Add("reservedSeats", "cannot be changed once the session is scheduled; leave them out or send them unchanged.");
        }
        if (edited is null || errors.Any)
        {
            return errors.ToProblem();
        }
        try
        {
            return await db.InTransactionAsync<Results<Ok<SessionView>, ValidationProblem, ProblemHttpResult>>(async ct =>
            {
                var now = time.GetUtcNow();
                var session = await SeatAllocator.LockSessionAsync(db, id, ct);
                if (session is null)
                {
                    return (false, Problems.NotFound("session"));
                }
                if (session.Cancelled)
                {
                    return (false, Problems.Conflict("session-cancelled", "This session was cancelled."));
                }
                if (session.StartsAt <= now)
                {
                    return (false, Problems.Conflict("session-started", "A session that has started or is over cannot be changed."));
                }
                var seats = await SeatAllocator.CountSeatsAsync(db, id, ct);
                var needed = SeatAllocator.SeatsTaken(session, seats);
                if (edited.Capacity < needed)
                {
                    return (false, Problems.Conflict("capacity-below-confirmed", "The capacity cannot go below the seats already confirmed.",
                        $"The session needs a capacity of at least {needed} for the seats it has confirmed."));
                }
                var moved = session.StartsAt != edited.StartsAt || session.EndsAt != edited.EndsAt || session.Mode != edited.Mode
                    || session.Venue != edited.Venue || session.Room != edited.Room || session.Link != edited.Link;
                session.StartsAt = edited.StartsAt;
                session.EndsAt = edited.EndsAt;
                session.Mode = edited.Mode;
                session.Venue = edited.Venue;
                session.Room = edited.Room;
                session.Link = edited.Link;
                session.Capacity = edited.Capacity;
                await SeatAllocator.PromoteAsync(db, session, now, ct);
                if (moved)
                {
                    var registrants = await db.Registrations.Where(r => r.SessionId == id && r.Status != RegistrationStatus.Cancelled)
                        .OrderBy(r => r.Sequence).Select(r => r.ParticipantId).ToListAsync(ct);
                    db.AddEvent(new WorkshopSessionScheduled(session.WorkshopId, id, workshop.Theme, session.StartsAt, session.EndsAt, session.Mode)
                    {
                        ChangedAt = now,
                        ParticipantIds = registrants,
                    }, now);
                }
                await db.SaveChangesAsync(ct);
                var counts = await db.Registrations.Where(r => r.SessionId == id).GroupBy(r => r.Status)
                    .Select(g => new { Status = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Status, x => x.Count, ct);
                return (true, TypedResults.Ok(SessionRules.View(session, counts.GetValueOrDefault(RegistrationStatus.Confirmed),
                    counts.GetValueOrDefault(RegistrationStatus.Waitlisted))));
            }, ct);
        }
        catch (DbUpdateException e) when (e.IsViolationOf(WorkshopsDbContext.RoomOverlapConstraint))
        {
            return Problems.Conflict("room-overlap", "Another session uses this room at an overlapping time.");
        }
    }

    private static bool SameReservations(List<SeatReservation> a, List<SeatReservation> b) =>
        a.Select(r => (r.Constituency, r.Seats)).Order().SequenceEqual(b.Select(r => (r.Constituency, r.Seats)).Order());
}
