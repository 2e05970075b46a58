using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.Workshops.Data;
using Agora.Workshops.Profiles;
using Agora.Workshops.Programme;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Agora.Workshops.Registrations;

/// <summary>
/// Gives out a session's seats. Every method here runs inside a transaction that holds the
/// session's row lock (<see cref="LockSessionAsync"/>), so counts cannot change underneath it and
/// capacity is never exceeded, whatever the concurrency.
/// </summary>
public static class SeatAllocator
{
    /// <summary>Locks the session row (<c>SELECT … FOR UPDATE</c>) until the transaction ends; loads its reservations.</summary>
    public static async Task<Session?> LockSessionAsync(WorkshopsDbContext db, Guid sessionId, CancellationToken ct)
    {
        var session = await db.Sessions.FromSql($"SELECT * FROM sessions WHERE id = {sessionId} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (session is not null)
        {
            await db.Entry(session).Collection(s => s.Reservations).LoadAsync(ct);
        }
        return session;
    }

    /// <summary>What a registration needs from its session, read under the session's row lock.</summary>
    public sealed record Ticket(long Sequence, Guid WorkshopId, int Capacity, bool Cancelled, DateTimeOffset StartsAt, bool ReservationsReleased,
        Dictionary<string, int> Seats, int Waitlisted);

    /// <summary>
    /// In one round trip: locks the session's row by taking its next arrival number
    /// (<c>UPDATE … RETURNING</c>, the lock held until the transaction ends), then counts its confirmed
    /// seats per pool and its waitlist. The count is a second statement of the batch, so it runs on a
    /// snapshot taken after the lock was granted and sees every registration committed before.
    /// Null when the session does not exist. Runs in the context's current transaction.
    /// </summary>
    public static async Task<Ticket?> TakeTicketAsync(WorkshopsDbContext db, Guid sessionId, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)(db.Database.CurrentTransaction ?? throw new InvalidOperationException("TakeTicketAsync needs a transaction.")).GetDbTransaction();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    UPDATE sessions SET registration_sequence = registration_sequence + 1 WHERE id = $1
                    RETURNING registration_sequence, workshop_id, capacity, cancelled, starts_at, reservations_released_at IS NOT NULL
                    """) { Parameters = { new() { Value = sessionId } } },
                new NpgsqlBatchCommand("""
                    SELECT status, COALESCE(seat_pool, ''), count(*)::int FROM registrations
                    WHERE session_id = $1 AND status <> 'cancelled' GROUP BY 1, 2
                    """) { Parameters = { new() { Value = sessionId } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var (sequence, workshopId, capacity, cancelled, startsAt, released) = (reader.GetInt64(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetBoolean(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5));
        await reader.NextResultAsync(ct);
        var seats = new Dictionary<string, int>(StringComparer.Ordinal);
        var waitlisted = 0;
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetString(0) == RegistrationStatus.Confirmed)
            {
                seats[reader.GetString(1)] = reader.GetInt32(2);
            }
            else if (reader.GetString(0) == RegistrationStatus.Waitlisted)
            {
                waitlisted += reader.GetInt32(2);
            }
        }
        return new Ticket(sequence, workshopId, capacity, cancelled, startsAt, released, seats, waitlisted);
    }

    /// <summary>Confirmed seats per pool ("" = general).</summary>
    public static async Task<Dictionary<string, int>> CountSeatsAsync(WorkshopsDbContext db, Guid sessionId, CancellationToken ct) =>
        await db.Registrations.Where(r => r.SessionId == sessionId && r.Status == RegistrationStatus.Confirmed)
            .GroupBy(r => r.SeatPool ?? "")
            .Select(g => new { Pool = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Pool, x => x.Count, ct);

    /// <summary>
    /// The seat a participant would get now: a reserved pool they belong to with room left, else a
    /// general seat, else none (waitlist). Returns (true, pool) with pool null for a general seat.
    /// </summary>
    public static (bool HasSeat, string? Pool) Choose(Session session, IReadOnlyList<SeatReservation> reservations, IReadOnlyDictionary<string, int> seats,
        ParticipantProfile? profile) =>
        Choose(session.Capacity, session.ReservationsReleasedAt is not null, reservations, seats, profile);

    /// <inheritdoc cref="Choose(Session, IReadOnlyList{SeatReservation}, IReadOnlyDictionary{string, int}, ParticipantProfile?)"/>
    public static (bool HasSeat, string? Pool) Choose(int capacity, bool reservationsReleased, IReadOnlyList<SeatReservation> reservations,
        IReadOnlyDictionary<string, int> seats, ParticipantProfile? profile)
    {
        var total = seats.Values.Sum();
        if (reservationsReleased || reservations.Count == 0)
        {
            return total < capacity ? (true, null) : (false, null);
        }
        foreach (var r in reservations.OrderBy(r => r.Constituency, StringComparer.Ordinal))
        {
            if (seats.GetValueOrDefault(r.Constituency) < r.Seats && Constituencies.Matches(r.Constituency, profile))
            {
                return (true, r.Constituency);
            }
        }
        var general = capacity - reservations.Sum(r => r.Seats);
        return seats.GetValueOrDefault("") < general ? (true, null) : (false, null);
    }

    /// <summary>
    /// The smallest capacity that keeps every confirmed seat of <paramref name="session"/>: the confirmed
    /// seats once reservations are released (or when there are none), else the reserved seats plus the
    /// confirmed general ones (the reserved pools stay whole).
    /// </summary>
    public static int SeatsTaken(Session session, IReadOnlyDictionary<string, int> seats) =>
        session.ReservationsReleasedAt is not null || session.Reservations.Count == 0
            ? seats.Values.Sum()
            : session.Reservations.Sum(r => r.Seats) + seats.GetValueOrDefault("");

    /// <summary>Whether any seat at all is free (in a pool or in general).</summary>
    private static bool AnyFree(Session session, IReadOnlyDictionary<string, int> seats)
    {
        if (session.ReservationsReleasedAt is not null || session.Reservations.Count == 0)
        {
            return seats.Values.Sum() < session.Capacity;
        }
        return session.Reservations.Any(r => seats.GetValueOrDefault(r.Constituency) < r.Seats)
            || seats.GetValueOrDefault("") < session.Capacity - session.Reservations.Sum(r => r.Seats);
    }

    /// <summary>
    /// Cancels a live registration of <paramref name="session"/>, whose row lock the caller holds;
    /// a confirmed seat it frees goes to the waitlist (<see cref="PromoteAsync"/>). Saves.
    /// </summary>
    public static async Task CancelAsync(WorkshopsDbContext db, Session session, Registration registration, DateTimeOffset now, CancellationToken ct)
    {
        var freedSeat = registration.Status == RegistrationStatus.Confirmed;
        registration.Status = RegistrationStatus.Cancelled;
        registration.CancelledAt = now;
        await db.SaveChangesAsync(ct);
        if (freedSeat)
        {
            await PromoteAsync(db, session, now, ct);
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// Moves waitlisted registrations, in arrival order, into the seats now free (each one only into a
    /// seat it may take) and queues <see cref="WaitlistPromoted"/> for each. The caller saves.
    /// </summary>
    public static async Task<List<Registration>> PromoteAsync(WorkshopsDbContext db, Session session, DateTimeOffset now, CancellationToken ct)
    {
        var seats = await CountSeatsAsync(db, session.Id, ct);
        var promoted = new List<Registration>();
        if (!AnyFree(session, seats))
        {
            return promoted;
        }
        var waitlist = await db.Registrations.Where(r => r.SessionId == session.Id && r.Status == RegistrationStatus.Waitlisted)
            .OrderBy(r => r.Sequence).ToListAsync(ct);
        var ids = waitlist.Select(r => r.ParticipantId).ToList();
        var profiles = await db.Profiles.AsNoTracking().Where(p => ids.Contains(p.ParticipantId)).ToDictionaryAsync(p => p.ParticipantId, ct);
        foreach (var r in waitlist)
        {
            if (!AnyFree(session, seats))
            {
                break;
            }
            var (hasSeat, pool) = Choose(session, session.Reservations, seats, profiles.GetValueOrDefault(r.ParticipantId));
            if (!hasSeat)
            {
                continue;
            }
            r.Status = RegistrationStatus.Confirmed;
            r.SeatPool = pool;
            r.ConfirmedAt = now;
            seats[pool ?? ""] = seats.GetValueOrDefault(pool ?? "") + 1;
            promoted.Add(r);
            db.AddEvent(new WaitlistPromoted(r.Id, session.Id, session.WorkshopId, r.ParticipantId, session.StartsAt, now), now);
        }
        return promoted;
    }
}
