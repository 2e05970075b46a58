namespace Agora.Workshops.Programme;

public sealed record LocalizedText(string? Ar, string? Fr, string? En);

public sealed record WorkshopInput(
    string? Theme,
    LocalizedText? Title,
    LocalizedText? Description,
    IReadOnlyList<Guid>? FacilitatorIds,
    IReadOnlyList<Guid>? RapporteurIds);

public sealed record StatusInput(string? Status);

public sealed record ReservationInput(string? Constituency, int? Seats);

/// <param name="Start">Local Africa/Tunis wall-clock time, e.g. <c>2027-03-15T09:00</c>.</param>
/// <param name="End">Local Africa/Tunis wall-clock time.</param>
public sealed record SessionInput(
    string? Start,
    string? End,
    string? Mode,
    string? Venue,
    string? Room,
    string? Link,
    int? Capacity,
    IReadOnlyList<ReservationInput?>? ReservedSeats);

public sealed record ReservationView(string Constituency, int Seats);

public sealed record SessionView(
    Guid Id,
    Guid WorkshopId,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string StartsAtLocal,
    string EndsAtLocal,
    string TimeZone,
    string Mode,
    string? Venue,
    string? Room,
    string? Link,
    int Capacity,
    int Confirmed,
    int Waitlisted,
    IReadOnlyList<ReservationView> ReservedSeats,
    bool ReservationsReleased,
    bool Cancelled,
    DateTimeOffset? CancelledAt = null,
    string? CancellationReason = null,
    string? CancellationCause = null);

public sealed record CancelSessionInput(string? Reason);

public sealed record WorkshopView(
    Guid Id,
    string Theme,
    LocalizedText Title,
    LocalizedText Description,
    string Status,
    IReadOnlyList<Guid> FacilitatorIds,
    IReadOnlyList<Guid> RapporteurIds,
    IReadOnlyList<SessionView> Sessions);
