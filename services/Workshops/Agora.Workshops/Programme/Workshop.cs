namespace Agora.Workshops.Programme;

/// <summary>A thematic working group of the agora; it meets in sessions.</summary>
public sealed class Workshop
{
    public Guid Id { get; init; }

    public required string Theme { get; set; }

    public required string TitleAr { get; set; }

    public required string TitleFr { get; set; }

    public required string TitleEn { get; set; }

    public string? DescriptionAr { get; set; }

    public string? DescriptionFr { get; set; }

    public string? DescriptionEn { get; set; }

    public List<Guid> FacilitatorIds { get; set; } = [];

    public List<Guid> RapporteurIds { get; set; } = [];

    public string Status { get; set; } = WorkshopStatus.Draft;

    public DateTimeOffset CreatedAt { get; init; }

    public bool IsManagedBy(System.Security.Claims.ClaimsPrincipal user) =>
        Agora.ServiceDefaults.AuthenticationSetup.IsSteering(user)
        || (Agora.ServiceDefaults.AuthenticationSetup.ParticipantId(user) is Guid id && FacilitatorIds.Contains(id));

    public bool IsReportedBy(System.Security.Claims.ClaimsPrincipal user) =>
        Agora.ServiceDefaults.AuthenticationSetup.IsSteering(user)
        || (Agora.ServiceDefaults.AuthenticationSetup.ParticipantId(user) is Guid id && RapporteurIds.Contains(id));

    public string Title(string? language) => language switch
    {
        "fr" => TitleFr,
        "en" => TitleEn,
        _ => TitleAr,
    };

    public bool AcceptsRegistrations => Status is WorkshopStatus.Open or WorkshopStatus.InProgress;
}

/// <summary>draft → open → in_progress → closed, one step at a time.</summary>
public static class WorkshopStatus
{
    public const string Draft = "draft";
    public const string Open = "open";
    public const string InProgress = "in_progress";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [Draft, Open, InProgress, Closed];

    public static bool CanMove(string from, string to) => (from, to) switch
    {
        (Draft, Open) => true,
        (Open, InProgress) => true,
        (InProgress, Closed) => true,
        _ => false,
    };
}

public static class SessionMode
{
    public const string InPerson = "in_person";
    public const string Online = "online";
    public const string Hybrid = "hybrid";

    public static readonly IReadOnlyList<string> All = [InPerson, Online, Hybrid];
}

/// <summary>One meeting of a workshop. Times are stored in UTC; they are entered and shown in Africa/Tunis time.</summary>
public sealed class Session
{
    public Guid Id { get; init; }

    public Guid WorkshopId { get; init; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public required string Mode { get; set; }

    public string? Venue { get; set; }

    public string? Room { get; set; }

    public string? Link { get; set; }

    public int Capacity { get; set; }

    /// <summary>The last arrival number handed out; taken under the session's row lock, so it is the arrival order.</summary>
    public long RegistrationSequence { get; set; }

    /// <summary>When unused reserved seats were given to everyone; null while reservations hold.</summary>
    public DateTimeOffset? ReservationsReleasedAt { get; set; }

    public bool Cancelled { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>Why the session was cancelled, as its manager wrote it (shown with the session).</summary>
    public string? CancellationReason { get; set; }

    /// <summary>
    /// Why the session was cancelled, as a code a front end words in the reader's language: "workshop-closed"
    /// when closing its workshop cancelled it (<see cref="CancellationReason"/> then holds an English
    /// sentence kept for older clients); null for a manager's cancellation, whose own words are the reason.
    /// </summary>
    public string? CancellationCause { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public List<SeatReservation> Reservations { get; set; } = [];
}

/// <summary>Seats of a session kept for a constituency (e.g. <c>ageBand:18-24</c>, <c>region:interior</c>) until released.</summary>
public sealed class SeatReservation
{
    public Guid SessionId { get; init; }

    public required string Constituency { get; init; }

    public int Seats { get; init; }
}
