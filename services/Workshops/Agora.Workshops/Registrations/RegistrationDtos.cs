namespace Agora.Workshops.Registrations;

/// <param name="Position">Place on the waitlist (1 = next), null when confirmed or cancelled.</param>
/// <param name="CheckInCode">Shown only on a confirmed registration, to its owner.</param>
/// <param name="Qr">The string to render as a QR code at the door.</param>
public sealed record RegistrationView(
    Guid Id,
    Guid SessionId,
    Guid WorkshopId,
    string Status,
    long Sequence,
    int? Position,
    string? SeatPool,
    string? CheckInCode,
    string? Qr,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? CheckedInAt);

/// <summary>
/// A registration as facilitators see it: no check-in codes, and no seat pool — a reserved seat's pool is the holder's
/// constituency ("gender:female"), which is consented for aggregates only; its owner sees it on their own registration.
/// </summary>
public sealed record RosterEntry(Guid Id, Guid ParticipantId, string Status, long Sequence, DateTimeOffset RegisteredAt, DateTimeOffset? CheckedInAt);
