namespace Agora.Charter.Constituencies;

/// <summary>Local read model of a participant's kind and consented constituency attributes (from <c>ParticipantProfileChanged</c>).</summary>
public sealed class ParticipantProfile
{
    public Guid ParticipantId { get; set; }

    /// <summary>organization | movement | individual</summary>
    public required string Kind { get; set; }

    public string? Governorate { get; set; }

    public string? Gender { get; set; }

    public string? AgeBand { get; set; }

    public string? Occupation { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Ballot college: collectives (organizations and movements) or individuals.</summary>
    public static string College(string? kind) => kind is "organization" or "movement" ? "collective" : "individual";
}
