namespace Agora.Workshops.Registrations;

public static class RegistrationStatus
{
    public const string Confirmed = "confirmed";
    public const string Waitlisted = "waitlisted";
    public const string Cancelled = "cancelled";
}

/// <summary>A participant's place in a session: confirmed, waitlisted or cancelled.</summary>
public sealed class Registration
{
    public Guid Id { get; init; }

    public Guid SessionId { get; init; }

    public Guid WorkshopId { get; init; }

    public Guid ParticipantId { get; set; }

    public required string Status { get; set; }

    /// <summary>Arrival number within the session (1, 2, …), given under the session's lock.</summary>
    public long Sequence { get; init; }

    /// <summary>The reserved-seat constituency this confirmed seat counts against; null for a general seat.</summary>
    public string? SeatPool { get; set; }

    /// <summary>128 random bits in base32: shown as a QR code, scanned at the door.</summary>
    public required string CheckInCode { get; set; }

    public DateTimeOffset RegisteredAt { get; init; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public DateTimeOffset? CheckedInAt { get; set; }
}
