namespace Agora.Registry.Vetting;

/// <summary>The audit of one vetting decision: who decided, when, how and why.</summary>
public sealed class VettingDecision
{
    public Guid Id { get; init; }
    public Guid ParticipantId { get; init; }

    /// <summary>approved | rejected | confirmed</summary>
    public required string Decision { get; init; }

    /// <summary>steering | email | vouch</summary>
    public required string Method { get; init; }

    /// <summary>The steering member or vouching delegate; null when the participant verified their email.</summary>
    public Guid? DecidedBy { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset DecidedAt { get; init; }
}
