namespace Agora.Contracts.Registry.V1;

/// <summary>
/// Who may take part in the conference's decisions, read from the registry's <c>GetParticipant</c> answer: the one rule
/// every service that asks (workshops' registrations, the charter's ballots and amendment votes) applies.
/// </summary>
public sealed partial class ParticipantReply
{
    /// <summary>Approved (vetted, or a confirmed individual): not pending, rejected or erased.</summary>
    public bool IsActive => string.Equals(Status, "active", StringComparison.Ordinal);

    /// <summary>
    /// Adhered to the registry's current version of the founding call. A registry older than these fields sends 0 for
    /// both (0 ≥ 0): the status alone decides then, so a rolling upgrade locks no one out.
    /// </summary>
    public bool AdheresToCurrentFoundingCall => FoundingCallVersion >= CurrentFoundingCallVersion;
}
