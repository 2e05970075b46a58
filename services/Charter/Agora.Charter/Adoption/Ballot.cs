using Agora.ServiceDefaults;

namespace Agora.Charter.Adoption;

public enum BallotStatus
{
    Open,
    Closed,
}

/// <summary>A ballot on a final charter version: consent or objection within a window, with quorum and majority.</summary>
public sealed class Ballot
{
    public Guid Id { get; set; }

    public Guid CharterId { get; set; }

    public int VersionNumber { get; set; }

    public DateTimeOffset OpensAt { get; set; }

    public DateTimeOffset ClosesAt { get; set; }

    /// <summary>Ballots that must be cast for the result to count.</summary>
    public int Quorum { get; set; }

    /// <summary>Share of consents among ballots cast needed (e.g. 0.5 exclusive means > half; this is "at least").</summary>
    public double Majority { get; set; }

    /// <summary>Count per college: the majority must hold in every college that voted.</summary>
    public bool ByCollege { get; set; }

    public BallotStatus Status { get; set; }

    public bool? Adopted { get; set; }

    /// <summary>
    /// Participants eligible when the ballot closed, as the registry counted them (turnout denominator); the profiles known
    /// to the charter service when the registry could not say. Never fewer than the ballots cast.
    /// </summary>
    public int? Electorate { get; set; }

    /// <summary>
    /// The founding call's version when the ballot opened: at its close the electorate is those adhered to it or a later
    /// one, so a version published meanwhile does not shrink it. Null when the registry could not say at the opening.
    /// </summary>
    public int? FoundingCallVersion { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public bool IsOpenAt(DateTimeOffset now) => Status == BallotStatus.Open && now >= OpensAt && now < ClosesAt;
}

/// <summary>One participant's ballot (one per participant and ballot).</summary>
public sealed class BallotCast
{
    public Guid Id { get; set; }

    public Guid BallotId { get; set; }

    public Guid ParticipantId { get; set; }

    /// <summary>true: consent; false: objection.</summary>
    public bool Consent { get; set; }

    /// <summary>collective | individual, from the participant's kind when cast.</summary>
    public required string College { get; set; }

    public DateTimeOffset CastAt { get; set; }
}

public sealed record CollegeResult(string College, int Consents, int Objections, double ConsentShare, bool MajorityReached);

/// <param name="Abstentions">Abstentions: they count toward the quorum, not toward the majority (none in an adoption ballot).</param>
public sealed record BallotTally(int Cast, int Consents, int Objections, double ConsentShare, bool QuorumReached,
    IReadOnlyList<CollegeResult> Colleges, bool Adopted, int Abstentions = 0)
{
    public static BallotTally Of(Ballot ballot, IReadOnlyList<(bool Consent, string College)> casts) =>
        Count(ballot.Quorum, ballot.Majority, ballot.ByCollege, casts);

    /// <summary>
    /// The counting rule shared by adoption ballots and amendment votes: the quorum counts every ballot cast (abstentions
    /// included) and needs at least one decisive ballot; the majority is the share of consents among decisive ballots,
    /// in every college that voted when counted per college.
    /// </summary>
    public static BallotTally Count(int quorum, double majority, bool byCollege, IReadOnlyList<(bool Consent, string College)> casts, int abstentions = 0)
    {
        var consents = casts.Count(c => c.Consent);
        var share = casts.Count == 0 ? 0 : (double)consents / casts.Count;
        var colleges = casts.GroupBy(c => c.College).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var yes = g.Count(c => c.Consent);
            var s = (double)yes / g.Count();
            return new CollegeResult(g.Key, yes, g.Count() - yes, s, s >= majority);
        }).ToList();
        var quorumReached = casts.Count + abstentions >= quorum && casts.Count > 0;
        var adopted = quorumReached && (byCollege ? colleges.TrueForAll(c => c.MajorityReached) : share >= majority);
        return new BallotTally(casts.Count, consents, casts.Count - consents, share, quorumReached, colleges, adopted, abstentions);
    }
}

/// <summary>
/// The terms a vote is opened with — its window, quorum and majority — checked the same way for adoption ballots and
/// amendment votes; only the wording of the errors (what is voted on, how it counts) differs.
/// </summary>
public readonly record struct VoteTerms(DateTimeOffset OpensAt, DateTimeOffset ClosesAt, int Quorum, double Majority)
{
    /// <summary>The terms asked for (opening now when no time is given); each missing or out-of-range term is added to <paramref name="errors"/>.</summary>
    public static VoteTerms Check(DateTimeOffset? opensAt, DateTimeOffset? closesAt, int? quorum, double? majority, DateTimeOffset now,
        FieldErrors errors, string closesAfterOpens, string quorumRule, string majorityRule)
    {
        var opens = opensAt ?? now;
        if (closesAt is not { } closes || closes <= opens)
        {
            errors.Add("closesAt", closesAfterOpens);
            closes = opens;
        }
        else if (closes <= now)
        {
            // A window already over (a mistyped date): nobody could vote, yet the opening would be announced.
            errors.Add("closesAt", "The window has already ended: closesAt is in the past.");
        }
        if (quorum is not { } q || q < 1)
        {
            errors.Add("quorum", quorumRule);
            q = 1;
        }
        if (majority is not { } m || m is not (> 0 and <= 1)) // NaN (readable as a number here) is in no range: refused too
        {
            errors.Add("majority", majorityRule);
            m = 0;
        }
        return new VoteTerms(opens, closes, q, m);
    }
}
