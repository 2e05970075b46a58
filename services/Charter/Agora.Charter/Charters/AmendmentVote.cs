namespace Agora.Charter.Charters;

public enum AmendmentVoteStatus
{
    Open,
    Closed,
}

/// <summary>
/// A vote that decides an amendment instead of steering: for, against or abstain within a window, with a quorum and a
/// majority (counted like an adoption ballot). At most one per amendment: closing it decides the amendment.
/// </summary>
public sealed class AmendmentVote
{
    public Guid Id { get; set; }

    public Guid AmendmentId { get; set; }

    public Guid CharterId { get; set; }

    public int VersionNumber { get; set; }

    public DateTimeOffset OpensAt { get; set; }

    public DateTimeOffset ClosesAt { get; set; }

    /// <summary>Ballots (abstentions included) that must be cast for the result to count.</summary>
    public int Quorum { get; set; }

    /// <summary>Share of "for" among for + against needed (at least).</summary>
    public double Majority { get; set; }

    /// <summary>Count per college: the majority must hold in every college that voted.</summary>
    public bool ByCollege { get; set; }

    public AmendmentVoteStatus Status { get; set; }

    /// <summary>The outcome once closed: true accepted, false rejected.</summary>
    public bool? Accepted { get; set; }

    /// <summary>Set when the vote could not apply its result (e.g. the version was superseded meanwhile).</summary>
    public string? Outcome { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public bool IsOpenAt(DateTimeOffset now) => Status == AmendmentVoteStatus.Open && now >= OpensAt && now < ClosesAt;
}

/// <summary>One participant's ballot on an amendment (one per participant and vote).</summary>
public sealed class AmendmentVoteCast
{
    public const string For = "for";
    public const string Against = "against";
    public const string Abstain = "abstain";

    public Guid Id { get; set; }

    public Guid VoteId { get; set; }

    public Guid ParticipantId { get; set; }

    /// <summary>for | against | abstain</summary>
    public required string Choice { get; set; }

    /// <summary>collective | individual, from the participant's kind when cast.</summary>
    public required string College { get; set; }

    public DateTimeOffset CastAt { get; set; }

    public static bool IsChoice(string? choice) => choice is For or Against or Abstain;
}
