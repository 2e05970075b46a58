namespace Agora.Workshops.Contributions;

public static class ContributionStatus
{
    public const string Submitted = "submitted";
    public const string Validated = "validated";
    public const string Merged = "merged";
}

public static class ContributionType
{
    public static readonly IReadOnlyList<string> All = ["value", "principle", "demand", "proposal"];
}

/// <summary>A point a participant brings out of a workshop; the rapporteur validates, edits or merges it.</summary>
public sealed class Contribution
{
    public const int MaxLength = 2000;

    public Guid Id { get; init; }

    public Guid WorkshopId { get; init; }

    public Guid? SessionId { get; set; }

    /// <summary>Null once the author was erased.</summary>
    public Guid? AuthorId { get; set; }

    public required string Type { get; set; }

    public required string Language { get; set; }

    public required string Theme { get; set; }

    public required string Text { get; set; }

    /// <summary>The text as submitted, before any edit by the rapporteur.</summary>
    public required string OriginalText { get; set; }

    public string Status { get; set; } = ContributionStatus.Submitted;

    public List<Guid> MergedFrom { get; set; } = [];

    public Guid? MergedInto { get; set; }

    public Guid? ValidatedBy { get; set; }

    public DateTimeOffset SubmittedAt { get; init; }

    public DateTimeOffset? ValidatedAt { get; set; }
}
