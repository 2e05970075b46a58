namespace Agora.Workshops.Minutes;

/// <summary>One version of a workshop's minutes (Markdown). Versions are never overwritten.</summary>
public sealed class MinutesVersion
{
    public const int MaxLength = 100_000;

    public Guid Id { get; init; }

    public Guid WorkshopId { get; init; }

    public Guid? SessionId { get; init; }

    public int Version { get; init; }

    public required string Markdown { get; init; }

    public Guid? AuthorId { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? PublishedAt { get; set; }
}
