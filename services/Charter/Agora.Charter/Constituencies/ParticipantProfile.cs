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

/// <summary>
/// A participant who was erased: only the random id and the time, so that an event arriving late (a profile change
/// redelivered after the erasure) does not recreate what the erasure removed.
/// </summary>
public sealed class ErasedParticipant
{
    public Guid ParticipantId { get; init; }

    public DateTimeOffset ErasedAt { get; init; }

    /// <summary>
    /// Serializes, within the caller's transaction, the erasure and a profile change of one participant: either the
    /// profile is written first and the erasure then deletes it, or the erasure commits first and the change sees its tombstone.
    /// </summary>
    public static FormattableString LockSql(Guid participantId) =>
        $"SELECT pg_advisory_xact_lock(hashtextextended('erasure:' || {participantId.ToString()}, 0))";
}
