namespace Agora.Charter.Consensus;

/// <summary>The latest analysis of a conversation (JSON of <see cref="AnalysisView"/>) and what it was computed from.</summary>
public sealed class AnalysisResult
{
    public Guid ConversationId { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    /// <summary>Highest vote id included.</summary>
    public long LastVoteId { get; set; }

    /// <summary>Conversation revision included (statements and moderation).</summary>
    public int Revision { get; set; }

    /// <summary>Stamp of the constituency read model included.</summary>
    public required string ProfileStamp { get; set; }

    public required string Json { get; set; }
}
