namespace Agora.Workshops.Erasure;

/// <summary>
/// Remembers that a participant was erased, so nothing new is created under their id afterwards: an
/// access token stays valid for minutes after the registry erased its holder, and a calendar feed
/// created with it would otherwise outlive the erasure. Holds the random id and the time only.
/// </summary>
public sealed class ErasedParticipant
{
    public Guid ParticipantId { get; init; }

    public DateTimeOffset ErasedAt { get; init; }

    /// <summary>
    /// Serializes, within the caller's transaction, what is done for one participant's id: the erasure and
    /// a calendar feed's creation. Either the feed is written first and the erasure then deletes it, or the
    /// erasure commits first and the feed sees its tombstone.
    /// </summary>
    public static FormattableString LockSql(Guid participantId) =>
        $"SELECT pg_advisory_xact_lock(hashtextextended('erasure:' || {participantId.ToString()}, 0))";
}
