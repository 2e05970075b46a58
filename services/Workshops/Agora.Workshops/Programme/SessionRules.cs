using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Registrations;

namespace Agora.Workshops.Programme;

/// <summary>What makes a session valid: times in Tunis, a mode with its place or link, a positive capacity, sane reservations.</summary>
public static class SessionRules
{
    public const int MaxCapacity = 100_000;

    public static Session? Build(SessionInput input, Guid workshopId, DateTimeOffset now, FieldErrors errors)
    {
        var hasStart = TunisTime.TryParseLocal(input.Start, out var start);
        var hasEnd = TunisTime.TryParseLocal(input.End, out var end);
        if (!hasStart)
        {
            errors.Add("start", "must be a local Africa/Tunis time such as 2027-03-15T09:00.");
        }
        if (!hasEnd)
        {
            errors.Add("end", "must be a local Africa/Tunis time such as 2027-03-15T12:00.");
        }
        if (hasStart && hasEnd && end <= start)
        {
            errors.Add("end", "must be after start.");
        }
        if (hasStart && start <= now)
        {
            errors.Add("start", "must be in the future.");
        }
        if (hasStart && hasEnd && end - start > TimeSpan.FromDays(2))
        {
            errors.Add("end", "a session lasts at most two days.");
        }
        var mode = input.Mode?.Trim().ToLowerInvariant();
        if (mode is null || !SessionMode.All.Contains(mode))
        {
            errors.Add("mode", "must be in_person, online or hybrid.");
        }
        var venue = Clean(input.Venue);
        var room = Clean(input.Room);
        var link = Clean(input.Link);
        if (mode is SessionMode.InPerson or SessionMode.Hybrid)
        {
            if (venue is null or { Length: > 200 })
            {
                errors.Add("venue", "is required for a session in person (at most 200 characters).");
            }
            if (room is null or { Length: > 100 })
            {
                errors.Add("room", "is required for a session in person (at most 100 characters).");
            }
            foreach (var (field, text) in new[] { ("venue", venue), ("room", room) })
            {
                if (text is not null && FreeText.HasControlCharacters(text))
                {
                    errors.Add(field, FreeText.ControlCharactersError);
                }
            }
        }
        else if (venue is not null || room is not null)
        {
            errors.Add("room", "an online session has no venue or room.");
        }
        if (mode is SessionMode.Online or SessionMode.Hybrid)
        {
            if (link is null || link.Length > 500 || FreeText.HasControlCharacters(link)
                || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                errors.Add("link", "an online session needs an http(s) link (at most 500 characters).");
            }
        }
        else if (link is not null)
        {
            errors.Add("link", "a session in person has no link; use hybrid.");
        }
        if (input.Capacity is not > 0 || input.Capacity > MaxCapacity)
        {
            errors.Add("capacity", $"must be between 1 and {MaxCapacity}.");
        }
        var reservations = new List<SeatReservation>();
        var id = Guid.CreateVersion7(now);
        foreach (var (r, i) in (input.ReservedSeats ?? []).Select((r, i) => (r, i)))
        {
            if (r is null)
            {
                errors.Add($"reservedSeats[{i}]", "must be an object with a constituency and seats.");
                continue;
            }
            var key = Constituencies.Normalize(r.Constituency);
            if (key is null)
            {
                errors.Add($"reservedSeats[{i}].constituency", "must be one of ageBand:<band>, governorate:<name>, region:interior, gender:<g>, kind:<k>, occupation:<o>.");
            }
            else if (reservations.Any(x => x.Constituency == key))
            {
                errors.Add($"reservedSeats[{i}].constituency", "appears twice.");
            }
            if (r.Seats is not > 0)
            {
                errors.Add($"reservedSeats[{i}].seats", "must be at least 1.");
            }
            if (key is not null && r.Seats is > 0)
            {
                reservations.Add(new SeatReservation { SessionId = id, Constituency = key, Seats = r.Seats.Value });
            }
        }
        if (input.Capacity is > 0 && reservations.Sum(r => (long)r.Seats) > input.Capacity)
        {
            errors.Add("reservedSeats", "reserve more seats than the session has.");
        }
        if (errors.Any)
        {
            return null;
        }
        return new Session
        {
            Id = id,
            WorkshopId = workshopId,
            StartsAt = start,
            EndsAt = end,
            Mode = mode!,
            Venue = venue,
            Room = room,
            Link = link,
            Capacity = input.Capacity!.Value,
            CreatedAt = now,
            Reservations = reservations,
        };
    }

    public static SessionView View(Session s, int confirmed, int waitlisted) => new(
        s.Id, s.WorkshopId, s.StartsAt, s.EndsAt, TunisTime.Format(s.StartsAt), TunisTime.Format(s.EndsAt), TunisTime.ZoneId,
        s.Mode, s.Venue, s.Room, s.Link, s.Capacity, confirmed, waitlisted,
        s.Reservations.OrderBy(r => r.Constituency, StringComparer.Ordinal).Select(r => new ReservationView(r.Constituency, r.Seats)).ToList(),
        s.ReservationsReleasedAt is not null, s.Cancelled, s.CancelledAt, s.CancellationReason, s.CancellationCause);

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
