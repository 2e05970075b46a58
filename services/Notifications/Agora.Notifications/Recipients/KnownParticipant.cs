namespace Agora.Notifications.Recipients;

/// <summary>
/// The local read model of a participant, from the registry's events: what routing and segments need
/// (kind, language, governorate). No name, no contact details.
/// </summary>
public sealed class KnownParticipant
{
    public Guid ParticipantId { get; init; }
    public required string Kind { get; set; }
    public required string Language { get; set; }
    public string? Governorate { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A participant confirmed in a workshop session (for reminders and the workshop segment).</summary>
public sealed class WorkshopRegistrant
{
    public Guid SessionId { get; init; }
    public Guid ParticipantId { get; init; }
    public Guid WorkshopId { get; init; }
    public DateTimeOffset StartsAt { get; set; }
}

/// <summary>A participant who asked for erasure: only the id is kept, so late events do not recreate data.</summary>
public sealed class ErasedParticipant
{
    public Guid ParticipantId { get; init; }
    public DateTimeOffset ErasedAt { get; init; }
}
