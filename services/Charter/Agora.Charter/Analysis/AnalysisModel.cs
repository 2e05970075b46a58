namespace Agora.Charter.Analysis;

/// <summary>A named partition of participants into constituency cells (e.g. gender, governorate).</summary>
/// <param name="Name">Partition name, e.g. "governorate".</param>
/// <param name="CellByParticipant">Cell of each participant key; participants not listed belong to no cell.</param>
public sealed record ConstituencyPartition(string Name, IReadOnlyDictionary<string, string> CellByParticipant);

/// <summary>Tuning of the analysis; defaults are Pol.is's.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Number of principal components used for the map (Pol.is: 2).</summary>
    public int Components { get; init; } = 2;

    /// <summary>Power iterations per component (Pol.is: 100).</summary>
    public int PcaIterations { get; init; } = 100;

    /// <summary>Also compute a third component, for <see cref="MapFirmness.ThirdToSecondEigenRatio"/>.</summary>
    public bool ComputeThirdComponent { get; init; } = true;

    /// <summary>Number of base clusters (Pol.is: 100).</summary>
    public int BaseClusters { get; init; } = 100;

    /// <summary>Max k-means iterations for base clusters (Pol.is: 100).</summary>
    public int BaseIterations { get; init; } = 100;

    /// <summary>Max k-means iterations for opinion groups (Pol.is: 20).</summary>
    public int GroupIterations { get; init; } = 20;

    /// <summary>Largest number of opinion groups (Pol.is: 5).</summary>
    public int MaxGroups { get; init; } = 5;

    /// <summary>Votes needed to be clustered, capped at the statement count (Pol.is: 7).</summary>
    public int MinVotesToCluster { get; init; } = 7;

    /// <summary>If fewer participants qualify, the most active are added up to this many (Pol.is: 15).</summary>
    public int MinClusteredParticipants { get; init; } = 15;

    /// <summary>Agreement share a statement needs in every group and constituency cell to be in the common minimum.</summary>
    public double CommonMinimumThreshold { get; init; } = 0.6;

    /// <summary>Constituency cells with fewer voters than this are reported but not used for consensus.</summary>
    public int MinConstituencyVoters { get; init; } = 10;

    /// <summary>Named partitions of participants.</summary>
    public IReadOnlyList<ConstituencyPartition> Constituencies { get; init; } = [];

    /// <summary>The map is flagged fragile when λ2/λ1 is at least this (nearly tied components).</summary>
    public double FragileEigenRatio { get; init; } = 0.8;

    /// <summary>The map is flagged fragile when the best k beats the runner-up's silhouette by less than this.</summary>
    public double FragileSilhouetteGap { get; init; } = 0.05;
}

/// <summary>Agree / disagree / pass counts; Seen is their sum.</summary>
/// <param name="Agree">Agree votes.</param>
/// <param name="Disagree">Disagree votes.</param>
/// <param name="Pass">Pass votes.</param>
public readonly record struct VoteCounts(int Agree, int Disagree, int Pass)
{
    /// <summary>All votes (agree + disagree + pass).</summary>
    public int Seen => Agree + Disagree + Pass;

    /// <summary>Agree / Seen (0 if unseen).</summary>
    public double AgreeShare => Seen == 0 ? 0 : (double)Agree / Seen;

    /// <summary>Disagree / Seen (0 if unseen).</summary>
    public double DisagreeShare => Seen == 0 ? 0 : (double)Disagree / Seen;

    /// <summary>Pass / Seen (0 if unseen).</summary>
    public double PassShare => Seen == 0 ? 0 : (double)Pass / Seen;

    /// <summary>Pol.is's smoothed agreement (A + 1) / (S + 2).</summary>
    public double SmoothedAgree => (Agree + 1.0) / (Seen + 2.0);
}

/// <summary>A base cluster: centre in the map and members.</summary>
/// <param name="Id">Base cluster id.</param>
/// <param name="X">Centre x.</param>
/// <param name="Y">Centre y.</param>
/// <param name="Members">Participant keys.</param>
public sealed record BaseCluster(int Id, double X, double Y, IReadOnlyList<string> Members);

/// <summary>An opinion group.</summary>
/// <param name="Id">Group id, 0-based.</param>
/// <param name="Members">Participant keys in row order.</param>
/// <param name="BaseClusters">Ids of its base clusters.</param>
/// <param name="X">Centre x (weighted by base cluster sizes).</param>
/// <param name="Y">Centre y.</param>
public sealed record OpinionGroup(int Id, IReadOnlyList<string> Members, IReadOnlyList<int> BaseClusters, double X, double Y);

/// <summary>Per-statement vote counts and consensus measures.</summary>
/// <param name="Statement">Statement key.</param>
/// <param name="Moderation">Moderation status.</param>
/// <param name="Overall">Counts over all participants.</param>
/// <param name="ByGroup">Counts per opinion group (index = group id).</param>
/// <param name="GroupInformedConsensus">Π over groups of (A_g + 1) / (S_g + 2).</param>
/// <param name="Extremity">
/// Pol.is's comment extremity (pca.clj pca-project-cmnts): how far from the centre of the opinion map a participant
/// lands who agreed with this statement alone — |1 − mean| · √(columns) · √(pc1² + pc2²); 0 for a statement nobody
/// voted on or moderated out. E in the next-statement priority.
/// </param>
public sealed record StatementStats(string Statement, ModerationStatus Moderation, VoteCounts Overall,
    IReadOnlyList<VoteCounts> ByGroup, double GroupInformedConsensus, double Extremity);

/// <summary>Whether a statement represents a group by agreement or disagreement.</summary>
public enum RepfulFor
{
    /// <summary>The group agrees more than the rest.</summary>
    Agree,

    /// <summary>The group disagrees more than the rest.</summary>
    Disagree,
}

/// <summary>A representative statement of a group (repness.clj finalize-cmt-stats).</summary>
/// <param name="Statement">Statement key.</param>
/// <param name="RepfulFor">Agree or disagree.</param>
/// <param name="Successes">Agrees (or disagrees) in the group.</param>
/// <param name="Trials">Votes in the group.</param>
/// <param name="PSuccess">(successes + 1) / (trials + 2).</param>
/// <param name="PTest">One-proportion z statistic.</param>
/// <param name="Repness">Ratio of the group's probability to the rest's.</param>
/// <param name="RepnessTest">Two-proportion z statistic against the rest.</param>
/// <param name="BestAgree">Pol.is's "best agree" statement, put first.</param>
public sealed record RepresentativeStatement(string Statement, RepfulFor RepfulFor, int Successes, int Trials,
    double PSuccess, double PTest, double Repness, double RepnessTest, bool BestAgree);

/// <summary>Representative statements of one group.</summary>
/// <param name="GroupId">Group id.</param>
/// <param name="Statements">Up to five, agrees first.</param>
public sealed record GroupRepresentativeStatements(int GroupId, IReadOnlyList<RepresentativeStatement> Statements);

/// <summary>A statement selected by Pol.is's consensus selection (repness.clj select-consensus-comments).</summary>
/// <param name="Statement">Statement key.</param>
/// <param name="Successes">Agrees (or disagrees).</param>
/// <param name="Trials">Votes.</param>
/// <param name="PSuccess">(successes + 1) / (trials + 2).</param>
/// <param name="PTest">One-proportion z statistic.</param>
public sealed record ConsensusStatement(string Statement, int Successes, int Trials, double PSuccess, double PTest);

/// <summary>Pol.is's top consensus statements overall.</summary>
/// <param name="Agree">Top 5 agreed.</param>
/// <param name="Disagree">Top 5 disagreed.</param>
public sealed record PolisConsensus(IReadOnlyList<ConsensusStatement> Agree, IReadOnlyList<ConsensusStatement> Disagree);

/// <summary>A constituency cell of a partition.</summary>
/// <param name="Name">Cell name.</param>
/// <param name="Voters">Participants of the cell who voted at least once.</param>
/// <param name="Counted">Whether the cell has enough voters to take part in consensus.</param>
public sealed record ConstituencyCell(string Name, int Voters, bool Counted);

/// <summary>One statement's consensus across the cells of a partition.</summary>
/// <param name="Statement">Statement key.</param>
/// <param name="ByCell">Counts per cell (same order as the partition's cells).</param>
/// <param name="AgreeShareByCell">Agree share per cell (NaN for cells not counted or unseen).</param>
/// <param name="InformedConsensus">Π over counted cells of (A + 1) / (S + 2).</param>
public sealed record ConstituencyStatement(string Statement, IReadOnlyList<VoteCounts> ByCell,
    IReadOnlyList<double> AgreeShareByCell, double InformedConsensus);

/// <summary>Consensus across one named partition.</summary>
/// <param name="Name">Partition name.</param>
/// <param name="Cells">Cells, ordered by name (ordinal).</param>
/// <param name="Statements">Per statement, in statement order.</param>
public sealed record ConstituencyConsensus(string Name, IReadOnlyList<ConstituencyCell> Cells,
    IReadOnlyList<ConstituencyStatement> Statements);

/// <summary>The common minimum: statements agreed by every opinion group and every counted constituency cell.</summary>
/// <param name="Threshold">Required agree share (agree / seen) in each group and cell.</param>
/// <param name="MinConstituencyVoters">Voters a cell needs to be counted.</param>
/// <param name="Statements">Keys of the statements that qualify, by descending group-informed consensus.</param>
public sealed record CommonMinimum(double Threshold, int MinConstituencyVoters, IReadOnlyList<string> Statements);

/// <summary>How firm the opinion map is.</summary>
/// <param name="Eigenvalues">Eigenvalues of XᵀX for the computed components.</param>
/// <param name="SecondToFirstEigenRatio">λ2 / λ1 (near 1: the first two axes are nearly tied).</param>
/// <param name="ThirdToSecondEigenRatio">λ3 / λ2, NaN if not computed.</param>
/// <param name="SilhouetteByK">Silhouette of each tried k (index 0 is k = 2).</param>
/// <param name="SilhouetteGap">Best minus second-best silhouette (NaN if only one k was tried).</param>
/// <param name="Fragile">True if the ratios or the gap say another run or a bit more data could change the groups.</param>
public sealed record MapFirmness(IReadOnlyList<double> Eigenvalues, double SecondToFirstEigenRatio,
    double ThirdToSecondEigenRatio, IReadOnlyList<double> SilhouetteByK, double SilhouetteGap, bool Fragile);

/// <summary>A participant's place in the opinion map.</summary>
/// <param name="Participant">Participant key.</param>
/// <param name="X">First coordinate.</param>
/// <param name="Y">Second coordinate.</param>
/// <param name="Votes">Votes cast.</param>
/// <param name="GroupId">Opinion group, or -1 if not clustered.</param>
public sealed record ParticipantPosition(string Participant, double X, double Y, int Votes, int GroupId);

/// <summary>The full result of an analysis.</summary>
/// <param name="Participants">Participants with at least one vote.</param>
/// <param name="Statements">Statements (all, including moderated-out).</param>
/// <param name="Groups">Opinion groups.</param>
/// <param name="BaseClusters">Base clusters.</param>
/// <param name="Positions">Map positions of voting participants, in row order.</param>
/// <param name="StatementStats">Per-statement counts and group-informed consensus, in statement order.</param>
/// <param name="Representative">Representative statements per group.</param>
/// <param name="PolisConsensus">Pol.is's overall consensus statements.</param>
/// <param name="Constituencies">Consensus across each named partition.</param>
/// <param name="CommonMinimum">The common minimum.</param>
/// <param name="Firmness">Firmness of the map.</param>
public sealed record OpinionAnalysis(
    int Participants,
    int Statements,
    IReadOnlyList<OpinionGroup> Groups,
    IReadOnlyList<BaseCluster> BaseClusters,
    IReadOnlyList<ParticipantPosition> Positions,
    IReadOnlyList<StatementStats> StatementStats,
    IReadOnlyList<GroupRepresentativeStatements> Representative,
    PolisConsensus PolisConsensus,
    IReadOnlyList<ConstituencyConsensus> Constituencies,
    CommonMinimum CommonMinimum,
    MapFirmness Firmness);
