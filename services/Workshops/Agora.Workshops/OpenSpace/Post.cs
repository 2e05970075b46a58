namespace Agora.Workshops.OpenSpace;

/// <summary>A post or reply in a workshop's open space.</summary>
public sealed class Post
{
    public const int MaxLength = 4000;

    public Guid Id { get; init; }

    public Guid WorkshopId { get; init; }

    public Guid? ParentId { get; init; }

    /// <summary>Null once the author was erased.</summary>
    public Guid? AuthorId { get; set; }

    public string? Language { get; init; }

    public required string Body { get; set; }

    public bool Hidden { get; set; }

    public bool Erased { get; set; }

    public int ReportCount { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

public static class PostAction
{
    public const string Reported = "reported";
    public const string Hidden = "hidden";
    public const string Restored = "restored";
}

/// <summary>What happened to a post: reports, hiding, restoring. Hidden posts keep it all.</summary>
public sealed class PostEvent
{
    public Guid Id { get; init; }

    public Guid PostId { get; init; }

    public required string Action { get; init; }

    public Guid? ActorId { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset At { get; init; }
}
