using Agora.Charter.Data;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Statements;

/// <summary>A conversation: the set of statements participants vote on (the agora's own, or an imported Pol.is one).</summary>
public sealed class Conversation
{
    /// <summary>The agora's main conversation, where workshop contributions and participants' statements go.</summary>
    public static readonly Guid MainId = new("0192f000-0000-7000-8000-000000000001");

    public Guid Id { get; set; }

    public required string Title { get; set; }

    /// <summary>agora | polis</summary>
    public required string Source { get; set; }

    /// <summary>Bumped when a statement is added or moderated, so the analysis knows to recompute (<see cref="BumpRevisionAsync"/>).</summary>
    public int Revision { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Adds one to the conversation's <see cref="Revision"/> in a single <c>UPDATE</c>, computed by PostgreSQL on the row as
    /// committed, so two changes at once both count. Read and set in memory, the second change would write the same number
    /// as the first, and the analysis, seeing no new revision after the first, would miss it. Runs at once, in the caller's
    /// transaction if there is one.
    /// </summary>
    public static Task<int> BumpRevisionAsync(CharterDbContext db, Guid conversationId, CancellationToken ct) =>
        db.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision + 1), ct);
}

public enum StatementStatus
{
    Pending,
    Accepted,
    Rejected,
    Merged,
}

/// <summary>A short sentence participants vote on, with its moderation state and its sources.</summary>
public sealed class Statement
{
    public static readonly string[] Languages = ["ar", "fr", "en"];

    public Guid Id { get; set; }

    public Guid ConversationId { get; set; }

    public required string Theme { get; set; }

    /// <summary>Language the statement was written in (ar | fr | en).</summary>
    public required string Language { get; set; }

    public string? TextAr { get; set; }

    public string? TextFr { get; set; }

    public string? TextEn { get; set; }

    public StatementStatus Status { get; set; }

    public string? RejectionReason { get; set; }

    public Guid? MergedIntoId { get; set; }

    /// <summary>The validated contribution this statement came from (unique), if any.</summary>
    public Guid? SourceContributionId { get; set; }

    /// <summary>Every contribution behind the statement (its own, those merged in the workshop and by steering).</summary>
    public List<Guid> ContributionIds { get; set; } = [];

    /// <summary>Workshops the contributions came from.</summary>
    public List<Guid> WorkshopIds { get; set; } = [];

    public Guid? AuthorId { get; set; }

    /// <summary>Id in an imported export (Pol.is comment-id).</summary>
    public string? ExternalKey { get; set; }

    /// <summary>
    /// The contribution's length (characters) when it was cut to <see cref="MaxLength"/> to become this statement; null when
    /// whole. Moderators see it and read the full text in the contribution (<see cref="SourceContributionId"/>, workshops).
    /// </summary>
    public int? TruncatedFrom { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ModeratedAt { get; set; }

    public string Text => Translation(Language) ?? TextAr ?? TextFr ?? TextEn ?? "";

    public string? Translation(string language) => language switch
    {
        "ar" => TextAr,
        "fr" => TextFr,
        "en" => TextEn,
        _ => null,
    };

    public void SetTranslation(string language, string text)
    {
        switch (language)
        {
            case "ar": TextAr = text; break;
            case "fr": TextFr = text; break;
            case "en": TextEn = text; break;
            default: throw new ArgumentOutOfRangeException(nameof(language));
        }
    }

    /// <summary>Open for votes: accepted by steering and neither rejected nor merged.</summary>
    public bool IsOpen => Status == StatementStatus.Accepted;

    public const int MaxLength = 500;

    /// <summary>The longest <see cref="ExternalKey"/> stored (varchar(100)).</summary>
    public const int ExternalKeyMaxLength = 100;

    /// <summary>Validates a new statement's fields into <paramref name="errors"/>; returns the trimmed text.</summary>
    public static string ValidateText(string? text, string field, FieldErrors errors)
    {
        var t = text?.Trim() ?? "";
        if (FreeText.IsBlank(t))
        {
            errors.Add(field, "The text is required.");
        }
        else if (t.Length > MaxLength)
        {
            errors.Add(field, $"The text is at most {MaxLength} characters.");
        }
        else if (FreeText.HasControlCharacters(t, allowLineBreaks: true))
        {
            errors.Add(field, FreeText.ControlCharactersInTextError);
        }
        return t;
    }

    public static void ValidateLanguage(string? language, string field, FieldErrors errors)
    {
        if (language is null || !Languages.Contains(language))
        {
            errors.Add(field, "The language is one of ar, fr, en.");
        }
    }

    public static Statement Create(Guid conversationId, string theme, string language, string text, Guid? authorId, DateTimeOffset now)
    {
        var s = new Statement
        {
            Id = Guid.CreateVersion7(now),
            ConversationId = conversationId,
            Theme = theme,
            Language = language,
            AuthorId = authorId,
            Status = StatementStatus.Pending,
            CreatedAt = now,
        };
        s.SetTranslation(language, text);
        return s;
    }

    /// <summary>Steering accepts a pending statement. Returns an error slug or null.</summary>
    public string? Accept(DateTimeOffset now)
    {
        if (Status != StatementStatus.Pending)
        {
            return "statement-already-moderated";
        }
        Status = StatementStatus.Accepted;
        ModeratedAt = now;
        return null;
    }

    public string? Reject(string reason, DateTimeOffset now)
    {
        if (Status is StatementStatus.Rejected or StatementStatus.Merged)
        {
            return "statement-already-moderated";
        }
        Status = StatementStatus.Rejected;
        RejectionReason = reason;
        ModeratedAt = now;
        return null;
    }

    /// <summary>Merges this statement (a duplicate) into <paramref name="target"/>: its sources follow; it closes for votes.</summary>
    public string? MergeInto(Statement target, DateTimeOffset now)
    {
        if (target.Id == Id || target.ConversationId != ConversationId)
        {
            return "invalid-merge-target";
        }
        if (Status is StatementStatus.Rejected or StatementStatus.Merged || target.Status is StatementStatus.Rejected or StatementStatus.Merged)
        {
            return "statement-already-moderated";
        }
        Status = StatementStatus.Merged;
        MergedIntoId = target.Id;
        ModeratedAt = now;
        target.ContributionIds = [.. target.ContributionIds.Union(ContributionIds)];
        target.WorkshopIds = [.. target.WorkshopIds.Union(WorkshopIds)];
        return null;
    }

    public static string StatusName(StatementStatus s) => s.ToString().ToLowerInvariant();
}
