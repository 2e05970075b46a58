namespace Agora.Charter.Charters;

/// <summary>The charter: a title and its versions.</summary>
public sealed class CharterDocument
{
    public Guid Id { get; set; }

    public required string Title { get; set; }

    public Guid ConversationId { get; set; }

    /// <summary>Number of the current (latest) version.</summary>
    public int CurrentVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public enum VersionStatus
{
    Draft,
    Final,
    Superseded,
    Adopted,
}

/// <summary>One version of a charter; earlier versions are superseded and stay readable.</summary>
public sealed class CharterVersion
{
    public Guid Id { get; set; }

    public Guid CharterId { get; set; }

    public int Number { get; set; }

    public VersionStatus Status { get; set; }

    /// <summary>The amendment that produced this version, if any.</summary>
    public Guid? FromAmendmentId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An article of a version: a theme's statements of the common minimum, traced to their sources.</summary>
public sealed class Article
{
    public Guid Id { get; set; }

    public Guid VersionId { get; set; }

    /// <summary>Same across versions of the same article (actions and accountability follow it).</summary>
    public Guid LineageId { get; set; }

    public int Number { get; set; }

    public required string Theme { get; set; }

    /// <summary>The original text (statements' own texts, or an accepted amendment's); the last fallback.</summary>
    public required string Text { get; set; }

    public string? TextAr { get; set; }

    public string? TextFr { get; set; }

    public string? TextEn { get; set; }

    public List<Guid> StatementIds { get; set; } = [];

    public string? Translation(string language) => language switch
    {
        "ar" => TextAr,
        "fr" => TextFr,
        "en" => TextEn,
        _ => null,
    };

    public void SetTranslation(string language, string? text)
    {
        switch (language)
        {
            case "ar": TextAr = text; break;
            case "fr": TextFr = text; break;
            case "en": TextEn = text; break;
            default: throw new ArgumentOutOfRangeException(nameof(language));
        }
    }
}

public enum AmendmentStatus
{
    Pending,
    Accepted,
    Rejected,

    /// <summary>Still pending when its version was made final or superseded: it can no longer be decided (terminal).</summary>
    Lapsed,
}

/// <summary>A participant's proposed new text for an article of a given version.</summary>
public sealed class Amendment
{
    public Guid Id { get; set; }

    public Guid CharterId { get; set; }

    public int VersionNumber { get; set; }

    public Guid ArticleId { get; set; }

    public Guid AuthorId { get; set; }

    public required string ProposedText { get; set; }

    public string? Rationale { get; set; }

    public AmendmentStatus Status { get; set; }

    public string? DecisionReason { get; set; }

    /// <summary>The version the acceptance produced.</summary>
    public int? ResultingVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }
}

/// <summary>Line diff (longest common subsequence): each line prefixed "  " (kept), "- " (removed) or "+ " (added).</summary>
public static class LineDiff
{
    public static IReadOnlyList<string> Compute(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var result = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                result.Add("  " + a[x]);
                x++;
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1])
            {
                result.Add("- " + a[x++]);
            }
            else
            {
                result.Add("+ " + b[y++]);
            }
        }
        while (x < a.Length)
        {
            result.Add("- " + a[x++]);
        }
        while (y < b.Length)
        {
            result.Add("+ " + b[y++]);
        }
        return result;
    }
}
