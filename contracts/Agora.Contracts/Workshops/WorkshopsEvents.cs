namespace Agora.Contracts.Workshops;

// Events the workshops service publishes.

public sealed record WorkshopSessionScheduled(
    Guid WorkshopId,
    Guid SessionId,
    string Theme,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Mode)
{
    /// <summary>
    /// When the session's time, place or link was changed after it was first scheduled; null for the
    /// first scheduling. Added later as an optional field, so older payloads read as a first scheduling.
    /// </summary>
    public DateTimeOffset? ChangedAt { get; init; }

    /// <summary>On a change, the participants registered (confirmed or waitlisted) at that moment: ids only.</summary>
    public IReadOnlyList<Guid> ParticipantIds { get; init; } = [];
}

public sealed record WorkshopSessionCancelled(
    Guid WorkshopId,
    Guid SessionId,
    DateTimeOffset CancelledAt)
{
    /// <summary>
    /// The participants whose registration (confirmed or waitlisted) the cancellation ended: ids only.
    /// Added later as an optional field (empty when a publisher leaves it out), so the record's
    /// constructor and older payloads stay as they were.
    /// </summary>
    public IReadOnlyList<Guid> ParticipantIds { get; init; } = [];

    /// <summary>
    /// Why the session was cancelled, as a code consumers can word in each language:
    /// <see cref="WorkshopClosed"/> when closing its workshop cancelled it; null for a facilitator's or
    /// steering's cancellation (their free-text reason stays in the workshops service and never travels
    /// here) and in older payloads. Added later as an optional field; a consumer treats a code it does not
    /// know as null.
    /// </summary>
    public string? Cause { get; init; }

    public const string WorkshopClosed = "workshop-closed";
}

/// <param name="Status">confirmed | waitlisted</param>
public sealed record SessionRegistrationConfirmed(
    Guid RegistrationId,
    Guid SessionId,
    Guid WorkshopId,
    Guid ParticipantId,
    string Status,
    DateTimeOffset StartsAt,
    DateTimeOffset RegisteredAt);

public sealed record WaitlistPromoted(
    Guid RegistrationId,
    Guid SessionId,
    Guid WorkshopId,
    Guid ParticipantId,
    DateTimeOffset StartsAt,
    DateTimeOffset PromotedAt);

/// <summary>A rapporteur validated a contribution; the charter service turns it into a statement.</summary>
/// <param name="Type">value | principle | demand | proposal</param>
/// <param name="Language">ar | fr | en</param>
public sealed record ContributionValidated(
    Guid ContributionId,
    Guid WorkshopId,
    Guid? SessionId,
    string Theme,
    string Type,
    string Language,
    string Text,
    IReadOnlyList<Guid> MergedFrom,
    DateTimeOffset ValidatedAt);

public sealed record MinutesPublished(
    Guid WorkshopId,
    Guid? SessionId,
    int Version,
    IReadOnlyList<Guid> Recipients,
    DateTimeOffset PublishedAt);
