using Agora.Charter.Analysis;
using Xunit;

namespace Agora.Charter.Tests.Analysis;

public sealed class PcaTests
{
    [Fact]
    public void FindsKnownComponentsAndEigenvalues()
    {
        // XᵀX = diag(8, 2): components are the axes, eigenvalues 8 and 2.
        var x = SparseRowMatrix.FromDense(new double[,] { { 2, 0 }, { 0, 1 }, { -2, 0 }, { 0, -1 } });
        var pca = SparsePca.Compute(x, 2, 100);
        Assert.Equal(1.0, Math.Abs(pca.Components[0][0]), 9);
        Assert.Equal(0.0, pca.Components[0][1], 9);
        Assert.Equal(0.0, pca.Components[1][0], 9);
        Assert.Equal(1.0, Math.Abs(pca.Components[1][1]), 9);
        Assert.Equal(8.0, pca.Eigenvalues[0], 9);
        Assert.Equal(2.0, pca.Eigenvalues[1], 9);
    }

    [Fact]
    public void FindsADiagonalComponent()
    {
        // Points along (1, 1) with a little spread along (1, -1): XᵀX = [[10, 8], [8, 10]], eigenvalues 18 and 2.
        var x = SparseRowMatrix.FromDense(new double[,] { { 2, 1 }, { -2, -1 }, { 1, 2 }, { -1, -2 } });
        var pca = SparsePca.Compute(x, 2, 100);
        var s = Math.Sqrt(0.5);
        Assert.Equal(s, Math.Abs(pca.Components[0][0]), 9);
        Assert.Equal(pca.Components[0][0], pca.Components[0][1], 9);
        Assert.Equal(-pca.Components[1][0], pca.Components[1][1], 9);
        Assert.Equal(18.0, pca.Eigenvalues[0], 9);
        Assert.Equal(2.0, pca.Eigenvalues[1], 9);
    }
}

public sealed class KMeansTests
{
    private static readonly double[] Xs = [0, 0, 10, 10];
    private static readonly double[] Ys = [0, 1, 10, 11];

    [Fact]
    public void SeparatesTwoClusters()
    {
        var clusters = KMeans.Cluster(Xs, Ys, null, 2, 20);
        Assert.Equal(2, clusters.Count);
        Assert.Equal([0, 1], clusters[0].Members);
        Assert.Equal([2, 3], clusters[1].Members);
        Assert.Equal(0.0, clusters[0].X, 12);
        Assert.Equal(0.5, clusters[0].Y, 12);
        Assert.Equal(10.5, clusters[1].Y, 12);
    }

    [Fact]
    public void WeightsMoveTheCentre()
    {
        var clusters = KMeans.Cluster(Xs, Ys, [3, 1, 1, 1], 2, 20);
        Assert.Equal(0.25, clusters[0].Y, 12);
    }

    [Fact]
    public void NeverMakesMoreClustersThanDistinctPoints()
    {
        var clusters = KMeans.Cluster([1, 1, 1, 2], [1, 1, 1, 2], null, 5, 20);
        Assert.Equal(2, clusters.Count);
        Assert.Equal([0, 1, 2], clusters[0].Members);
    }

    [Fact]
    public void SilhouetteMatchesHandComputation()
    {
        // On a line: 0, 1 | 10, 11. s(0) = (10.5 - 1) / 10.5, s(1) = (9.5 - 1) / 9.5, symmetric for the others.
        double[] xs = [0, 1, 10, 11];
        double[] ys = [0, 0, 0, 0];
        var clusters = new[] { new Cluster(0, [0, 1], 0.5, 0), new Cluster(1, [2, 3], 10.5, 0) };
        var expected = ((9.5 / 10.5) + (8.5 / 9.5)) / 2;
        Assert.Equal(expected, KMeans.Silhouette(xs, ys, clusters), 12);
    }

    [Fact]
    public void SingletonsCountAsZeroInTheSilhouette()
    {
        double[] xs = [0, 1, 10];
        double[] ys = [0, 0, 0];
        var clusters = new[] { new Cluster(0, [0, 1], 0.5, 0), new Cluster(1, [2], 10, 0) };
        var expected = ((9.0 / 10.0) + (8.0 / 9.0) + 0) / 3;
        Assert.Equal(expected, KMeans.Silhouette(xs, ys, clusters), 12);
    }
}

public sealed class ConsensusTests
{
    private static readonly string[] North = ["p0", "p1", "p2", "p3", "p4", "p20", "p21", "p22", "p23", "p24"];

    /// <summary>
    /// 40 participants in two clear camps (p0–p19, p20–p39) over s0–s7; everyone agrees with s8;
    /// s9 is agreed by all but the ten "north" participants (five per camp), who disagree.
    /// The camps arrive interleaved (p0, p20, p1, p21, …): k-means starts from the first distinct rows.
    /// </summary>
    private static VoteMatrix TwoCamps(Action<VoteMatrixBuilder>? extra = null)
    {
        var b = new VoteMatrixBuilder();
        for (var p = 0; p < 20; p++)
        {
            b.AddParticipant($"p{p}");
            b.AddParticipant($"p{p + 20}");
        }

        for (var s = 0; s < 10; s++)
        {
            b.AddStatement($"s{s}");
        }

        for (var p = 0; p < 40; p++)
        {
            var camp = p < 20 ? 1 : -1;
            for (var s = 0; s < 8; s++)
            {
                b.AddVote($"p{p}", $"s{s}", s < 4 ? camp : -camp);
            }

            b.AddVote($"p{p}", "s8", 1);
            b.AddVote($"p{p}", "s9", North.Contains($"p{p}") ? -1 : 1);
        }

        extra?.Invoke(b);
        return b.Build();
    }

    private static Dictionary<string, string> Cells(IEnumerable<string> special, string specialName, string otherName) =>
        Enumerable.Range(0, 40).Select(p => $"p{p}").ToDictionary(p => p, p => special.Contains(p) ? specialName : otherName);

    private static void AssertTwoCamps(OpinionAnalysis analysis)
    {
        Assert.Equal(2, analysis.Groups.Count);
        var camps = analysis.Groups.Select(g => g.Members.Select(m => int.Parse(m[1..], System.Globalization.CultureInfo.InvariantCulture) < 20).Distinct().Single()).ToList();
        Assert.NotEqual(camps[0], camps[1]);
        Assert.All(analysis.Groups, g => Assert.Equal(20, g.Members.Count));
    }

    [Fact]
    public void GroupInformedConsensusIsTheProductOfSmoothedGroupAgreement()
    {
        var analysis = OpinionAnalyzer.Analyze(TwoCamps());
        AssertTwoCamps(analysis);
        var byKey = analysis.StatementStats.ToDictionary(s => s.Statement);
        Assert.Equal(21.0 / 22 * (21.0 / 22), byKey["s8"].GroupInformedConsensus, 12); // 20 of 20 agree in each group
        Assert.Equal(16.0 / 22 * (16.0 / 22), byKey["s9"].GroupInformedConsensus, 12); // 15 of 20 agree in each group
        Assert.Equal(1.0 / 22 * (21.0 / 22), byKey["s0"].GroupInformedConsensus, 12);
        Assert.Equal(30.0 / 40, byKey["s9"].Overall.AgreeShare, 12);
        Assert.Equal(10.0 / 40, byKey["s9"].Overall.DisagreeShare, 12);
    }

    [Fact]
    public void ExtremityIsHowFarAgreeingWithTheStatementAloneLandsFromTheCentre()
    {
        // Pol.is's comment extremity |1 − mean| · √(columns) · ‖(pc1, pc2)‖. Here pc1 is the camp axis, loading 1/√8 on
        // each of s0–s7 (mean 0), and pc2 is s9 alone (mean (30 − 10) / 40); s8, agreed by everyone, sits at the centre.
        var byKey = OpinionAnalyzer.Analyze(TwoCamps()).StatementStats.ToDictionary(s => s.Statement);

        Assert.Equal(0, byKey["s8"].Extremity, 9);
        Assert.All(Enumerable.Range(0, 8), s => Assert.Equal(Math.Sqrt(10.0 / 8), byKey[$"s{s}"].Extremity, 6));
        Assert.Equal(0.5 * Math.Sqrt(10), byKey["s9"].Extremity, 6);
    }

    [Fact]
    public void CommonMinimumNeedsEveryGroupAndEveryCountedConstituency()
    {
        var without = OpinionAnalyzer.Analyze(TwoCamps());
        Assert.Equal(["s8", "s9"], without.CommonMinimum.Statements);
        Assert.Equal(0.6, without.CommonMinimum.Threshold);

        var options = new AnalysisOptions
        {
            CommonMinimumThreshold = 0.6,
            MinConstituencyVoters = 10,
            Constituencies = [new ConstituencyPartition("region", Cells(North, "north", "south"))],
        };
        var with = OpinionAnalyzer.Analyze(TwoCamps(), options);
        Assert.Equal(["s8"], with.CommonMinimum.Statements); // s9 fails in the north
        var region = Assert.Single(with.Constituencies);
        Assert.Equal(["north", "south"], region.Cells.Select(c => c.Name));
        Assert.Equal([10, 30], region.Cells.Select(c => c.Voters));
        var s9 = region.Statements.Single(s => s.Statement == "s9");
        Assert.Equal(0.0, s9.AgreeShareByCell[0]);
        Assert.Equal(1.0, s9.AgreeShareByCell[1]);
        Assert.Equal(1.0 / 12 * (31.0 / 32), s9.InformedConsensus, 12);
    }

    [Fact]
    public void SmallConstituencyCellsAreNotCounted()
    {
        var options = new AnalysisOptions
        {
            MinConstituencyVoters = 10,
            Constituencies = [new ConstituencyPartition("age", Cells(["p0", "p1"], "old", "young"))],
        };
        var analysis = OpinionAnalyzer.Analyze(TwoCamps(), options);
        Assert.Equal(["s8", "s9"], analysis.CommonMinimum.Statements); // "old" (2 voters, both against s9) is too small
        var old = analysis.Constituencies[0].Cells[0];
        Assert.Equal(("old", 2, false), (old.Name, old.Voters, old.Counted));
        Assert.True(double.IsNaN(analysis.Constituencies[0].Statements.Single(s => s.Statement == "s9").AgreeShareByCell[0]));
    }

    [Fact]
    public void ModeratedOutStatementsAreIgnored()
    {
        // Ten statements that cut across the camps (p0–p9 and p20–p29 agree, the rest disagree) and one
        // everybody agrees with: all moderated out, they must change neither the groups nor the selections.
        var analysis = OpinionAnalyzer.Analyze(TwoCamps(b =>
        {
            for (var s = 0; s < 10; s++)
            {
                b.AddStatement($"x{s}", ModerationStatus.ModeratedOut);
                for (var p = 0; p < 40; p++)
                {
                    b.AddVote($"p{p}", $"x{s}", p % 20 < 10 ? 1 : -1);
                }
            }

            b.AddStatement("all", ModerationStatus.ModeratedOut);
            for (var p = 0; p < 40; p++)
            {
                b.AddVote($"p{p}", "all", 1);
            }
        }));
        AssertTwoCamps(analysis);
        Assert.Equal(["s8", "s9"], analysis.CommonMinimum.Statements);
        Assert.DoesNotContain(analysis.Representative.SelectMany(r => r.Statements), r => r.Statement.StartsWith('x') || r.Statement == "all");
        Assert.DoesNotContain(analysis.PolisConsensus.Agree, c => c.Statement == "all");
        Assert.Equal(40, analysis.StatementStats.Single(s => s.Statement == "all").Overall.Agree); // still counted
    }

    [Fact]
    public void RepresentativeStatementsSplitTheCamps()
    {
        var analysis = OpinionAnalyzer.Analyze(TwoCamps());
        foreach (var group in analysis.Representative)
        {
            Assert.NotEmpty(group.Statements);
            Assert.All(group.Statements, r => Assert.Matches("^s[0-7]$", r.Statement));
            Assert.True(group.Statements[0].BestAgree);
            Assert.Equal(RepfulFor.Agree, group.Statements[0].RepfulFor);
        }
    }

    [Fact]
    public void LastVoteWins()
    {
        var b = new VoteMatrixBuilder();
        b.AddVote("a", "s", 1);
        b.AddVote("b", "s", 1);
        b.AddVote("a", "s", -1);
        var m = b.Build();
        Assert.Equal(["a", "b"], m.ParticipantKeys);
        Assert.Equal(2, m.VoteCount);
        Assert.Equal(-1, m.VotesOf(0)[0]);
    }
}
