namespace Agora.Workshops.Profiles;

/// <summary>The registry's consented constituency attributes of a participant (a local read model fed by events).</summary>
public sealed class ParticipantProfile
{
    public Guid ParticipantId { get; init; }

    public required string Kind { get; set; }

    public string? Governorate { get; set; }

    public string? Gender { get; set; }

    public string? AgeBand { get; set; }

    public string? Occupation { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}
