using Agora.Charter.Analysis;
using Agora.ServiceDefaults;

namespace Agora.Charter.Consensus;

public sealed record GroupView(int Id, int Size, double X, double Y);

public sealed record CountsView(int Agree, int Disagree, int Pass, int Seen)
{
    public static CountsView Of(VoteCounts c) => new(c.Agree, c.Disagree, c.Pass, c.Seen);
}

/// <param name="Extremity">Pol.is's comment extremity (distance from the map's centre of agreeing with this statement alone), E in the next-statement priority.</param>
public sealed record StatementStatsView(Guid Statement, CountsView Overall, IReadOnlyList<CountsView> ByGroup, double GroupInformedConsensus, double Extremity);

public sealed record RepresentativeStatementView(Guid Statement, string RepfulFor, int Successes, int Trials, double PSuccess, double Repness, double RepnessTest);

public sealed record GroupRepresentativeView(int GroupId, IReadOnlyList<RepresentativeStatementView> Statements);

public sealed record ConsensusStatementView(Guid Statement, int Successes, int Trials, double PSuccess, double PTest);

public sealed record PolisConsensusView(IReadOnlyList<ConsensusStatementView> Agree, IReadOnlyList<ConsensusStatementView> Disagree);

/// <param name="ByCell">Per cell, in the order of the partition's cells; null for a suppressed cell.</param>
public sealed record ConstituencyStatementView(Guid Statement, IReadOnlyList<CountsView?> ByCell, IReadOnlyList<double?> AgreeShareByCell, double InformedConsensus);

/// <param name="Voters">Null when suppressed.</param>
/// <param name="Suppressed">Too few voters to show (see <see cref="ConstituencyView.MinimumCell"/>), or hidden beside such a cell.</param>
public sealed record ConstituencyCellView(string Name, int? Voters, bool Counted, bool Suppressed = false);

public sealed record ConstituencyView(string Name, IReadOnlyList<ConstituencyCellView> Cells, IReadOnlyList<ConstituencyStatementView> Statements)
{
    /// <summary>A cell of fewer voters than this shows no counts: its votes could be one person's (the registry's mosaic rule).</summary>
    public const int MinimumCell = SmallCells.Minimum;

    /// <summary>
    /// The view shown to participants: cells of fewer than <see cref="MinimumCell"/> voters (zero included) lose their voter
    /// count and their vote counts; where exactly one such cell has voters, the next smallest is hidden too, since the
    /// overall counts minus the cells shown would otherwise give it back.
    /// </summary>
    public ConstituencyView WithSmallCellsSuppressed()
    {
        var hidden = SmallCells.Hidden([.. Cells.Select(c => (c.Name, c.Suppressed ? null : c.Voters))]);
        if (hidden.Count == 0)
        {
            return this;
        }
        return new ConstituencyView(Name,
            [.. Cells.Select((c, i) => hidden.Contains(i) ? c with { Voters = null, Suppressed = true } : c)],
            [.. Statements.Select(s => s with
            {
                ByCell = [.. s.ByCell.Select((b, i) => hidden.Contains(i) ? null : b)],
                AgreeShareByCell = [.. s.AgreeShareByCell.Select((a, i) => hidden.Contains(i) ? null : a)],
            })]);
    }
}

public sealed record CommonMinimumView(double Threshold, int MinConstituencyVoters, IReadOnlyList<Guid> Statements);

public sealed record FirmnessView(IReadOnlyList<double> Eigenvalues, double? SecondToFirstEigenRatio, double? ThirdToSecondEigenRatio,
    IReadOnlyList<double?> SilhouetteByK, double? SilhouetteGap, bool Fragile);

/// <summary>
/// The stored form of an analysis: no participant ids (groups are reported by size). Participants read it with small
/// constituency cells suppressed (<see cref="WithSmallCellsSuppressed"/>, applied by <see cref="AnalysisStore.LatestAsync"/>).
/// </summary>
public sealed record AnalysisView(Guid ConversationId, DateTimeOffset ComputedAt, long LastVoteId, int Participants, int Statements,
    IReadOnlyList<GroupView> Groups, IReadOnlyList<StatementStatsView> StatementStats, IReadOnlyList<GroupRepresentativeView> Representative,
    PolisConsensusView Consensus, IReadOnlyList<ConstituencyView> Constituencies, CommonMinimumView CommonMinimum, FirmnessView Firmness)
{
    private static double? N(double d) => double.IsFinite(d) ? d : null;

    private static double F(double d) => double.IsFinite(d) ? d : 0;

    public static AnalysisView Of(Guid conversationId, DateTimeOffset computedAt, long lastVoteId, OpinionAnalysis a) => new(
        conversationId, computedAt, lastVoteId, a.Participants, a.Statements,
        [.. a.Groups.Select(g => new GroupView(g.Id, g.Members.Count, F(g.X), F(g.Y)))],
        [.. a.StatementStats.Select(s => new StatementStatsView(Guid.Parse(s.Statement), CountsView.Of(s.Overall),
            [.. s.ByGroup.Select(CountsView.Of)], F(s.GroupInformedConsensus), F(s.Extremity)))],
        [.. a.Representative.Select(r => new GroupRepresentativeView(r.GroupId, [.. r.Statements.Select(s =>
            new RepresentativeStatementView(Guid.Parse(s.Statement), s.RepfulFor == RepfulFor.Agree ? "agree" : "disagree",
                s.Successes, s.Trials, F(s.PSuccess), F(s.Repness), F(s.RepnessTest)))]))],
        new PolisConsensusView(
            [.. a.PolisConsensus.Agree.Select(c => new ConsensusStatementView(Guid.Parse(c.Statement), c.Successes, c.Trials, F(c.PSuccess), F(c.PTest)))],
            [.. a.PolisConsensus.Disagree.Select(c => new ConsensusStatementView(Guid.Parse(c.Statement), c.Successes, c.Trials, F(c.PSuccess), F(c.PTest)))]),
        [.. a.Constituencies.Select(c => new ConstituencyView(c.Name, [.. c.Cells.Select(x => new ConstituencyCellView(x.Name, x.Voters, x.Counted))], [.. c.Statements.Select(s =>
            new ConstituencyStatementView(Guid.Parse(s.Statement), [.. s.ByCell.Select(CountsView.Of)], [.. s.AgreeShareByCell.Select(N)], F(s.InformedConsensus)))]))],
        new CommonMinimumView(a.CommonMinimum.Threshold, a.CommonMinimum.MinConstituencyVoters, [.. a.CommonMinimum.Statements.Select(Guid.Parse)]),
        new FirmnessView([.. a.Firmness.Eigenvalues.Select(F)], N(a.Firmness.SecondToFirstEigenRatio), N(a.Firmness.ThirdToSecondEigenRatio),
            [.. a.Firmness.SilhouetteByK.Select(N)], N(a.Firmness.SilhouetteGap), a.Firmness.Fragile));

    /// <summary>What participants may see: <see cref="ConstituencyView.WithSmallCellsSuppressed"/> for every partition.</summary>
    public AnalysisView WithSmallCellsSuppressed() => this with { Constituencies = [.. Constituencies.Select(c => c.WithSmallCellsSuppressed())] };
}
