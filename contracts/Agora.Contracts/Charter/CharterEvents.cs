namespace Agora.Contracts.Charter;

// Events the charter service publishes.

/// <summary>Steering accepted a statement; it is now open for votes.</summary>
public sealed record StatementAccepted(
    Guid StatementId,
    string Theme,
    Guid? SourceContributionId,
    Guid? AuthorId,
    DateTimeOffset AcceptedAt);

public sealed record CharterVersionPublished(
    Guid CharterId,
    int Version,
    int ArticleCount,
    DateTimeOffset PublishedAt);

public sealed record BallotOpened(
    Guid BallotId,
    Guid CharterId,
    int Version,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt);

public sealed record BallotClosed(
    Guid BallotId,
    Guid CharterId,
    int Version,
    bool Adopted,
    DateTimeOffset ClosedAt);

public sealed record CharterAdopted(
    Guid CharterId,
    int Version,
    Guid BallotId,
    DateTimeOffset AdoptedAt);

/// <param name="OwnerParticipantIds">Participants to remind (the owner, or the owning group's members).</param>
public sealed record ActionDeadlineApproaching(
    Guid ActionId,
    Guid ArticleId,
    IReadOnlyList<Guid> OwnerParticipantIds,
    DateTimeOffset Deadline);
