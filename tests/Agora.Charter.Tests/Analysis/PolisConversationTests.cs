using System.Globalization;
using Agora.Charter.Analysis;
using Xunit;
using Xunit.Abstractions;

namespace Agora.Charter.Tests.Analysis;

public sealed class PolisConversationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Stable => new()
    {
        "scoop-hivemind.biodiversity",
        "bg2050-volunteers",
        "ssis.land-bank-farmland.2rumnecbeh.2021-08-01",
    };

    public static TheoryData<string> HistoryDependent => new()
    {
        "brexit-consensus",
        "15-per-hour-seattle",
        "football-concussions",
    };

    public static TheoryData<string> All => new()
    {
        "scoop-hivemind.biodiversity",
        "bg2050-volunteers",
        "ssis.land-bank-farmland.2rumnecbeh.2021-08-01",
        "brexit-consensus",
        "15-per-hour-seattle",
        "football-concussions",
    };

    private double MeasureAri(string conversation, out OpinionAnalysis analysis)
    {
        var export = PolisExport.Load(TestHelpers.PolisDirectory(conversation));
        analysis = OpinionAnalyzer.Analyze(export.Votes);
        var ours = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in analysis.Groups)
        {
            foreach (var m in g.Members)
            {
                ours[m] = g.Id;
            }
        }

        var reference = new List<int>();
        var mine = new List<int>();
        foreach (var (participant, group) in export.PolisGroups.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (group is { } g)
            {
                reference.Add(g);
                mine.Add(ours.GetValueOrDefault(participant, -1));
            }
        }

        var ari = TestHelpers.AdjustedRandIndex(reference, mine);
        output.WriteLine($"{conversation}: ARI {ari:F4} over {reference.Count} participants; groups {analysis.Groups.Count}; " +
            $"lambda2/lambda1 {analysis.Firmness.SecondToFirstEigenRatio:F3}, lambda3/lambda2 {analysis.Firmness.ThirdToSecondEigenRatio:F3}, " +
            $"silhouettes [{string.Join(", ", analysis.Firmness.SilhouetteByK.Select(s => s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}], fragile {analysis.Firmness.Fragile}");
        return ari;
    }

    [Theory]
    [MemberData(nameof(Stable))]
    public void StableConversationsReproducePolisGroups(string conversation)
    {
        var ari = MeasureAri(conversation, out var analysis);
        Assert.True(ari >= 0.9, $"ARI {ari} < 0.9 for {conversation}");
        Assert.Equal(2, analysis.Groups.Count);
        Assert.False(analysis.Firmness.Fragile);
        Assert.All(analysis.Representative, r => Assert.NotEmpty(r.Statements));
    }

    [Theory]
    [MemberData(nameof(HistoryDependent))]
    public void HistoryDependentConversationsStillGroupEveryone(string conversation)
    {
        var ari = MeasureAri(conversation, out var analysis);
        Assert.InRange(ari, -1.0, 1.0);
        Assert.InRange(analysis.Groups.Count, 2, 5);
        Assert.Equal(conversation != "15-per-hour-seattle", analysis.Firmness.Fragile);
    }

    /// <summary>
    /// comments.csv's agrees/disagrees count every vote event, superseded ones included; our counts are of
    /// each participant's last vote. Both are checked against votes.csv read independently.
    /// </summary>
    [Theory]
    [MemberData(nameof(All))]
    public void CountsMatchCommentTotals(string conversation)
    {
        var directory = TestHelpers.PolisDirectory(conversation);
        var export = PolisExport.Load(directory);
        var analysis = OpinionAnalyzer.Analyze(export.Votes);
        var events = new Dictionary<(string, int), int>();
        var last = new Dictionary<(string Comment, string Voter), (long Time, int Vote)>();
        foreach (var line in File.ReadLines(Path.Combine(directory, "votes.csv")).Skip(1))
        {
            var f = line.Split(',');
            var (time, comment, voter, vote) = (long.Parse(f[0], CultureInfo.InvariantCulture), f[2], f[3], int.Parse(f[4], CultureInfo.InvariantCulture));
            events[(comment, vote)] = events.GetValueOrDefault((comment, vote)) + 1;
            if (!last.TryGetValue((comment, voter), out var previous) || previous.Time <= time)
            {
                last[(comment, voter)] = (time, vote);
            }
        }

        var lastCounts = last.GroupBy(kv => (kv.Key.Comment, kv.Value.Vote)).ToDictionary(g => g.Key, g => g.Count());
        var byKey = analysis.StatementStats.ToDictionary(s => s.Statement);
        Assert.Equal(export.Comments.Count, analysis.Statements);
        var superseded = 0;
        foreach (var comment in export.Comments)
        {
            var s = byKey[comment.Id];
            Assert.Equal(comment.Agrees, events.GetValueOrDefault((comment.Id, 1)));
            Assert.Equal(comment.Disagrees, events.GetValueOrDefault((comment.Id, -1)));
            Assert.Equal(lastCounts.GetValueOrDefault((comment.Id, 1)), s.Overall.Agree);
            Assert.Equal(lastCounts.GetValueOrDefault((comment.Id, -1)), s.Overall.Disagree);
            Assert.Equal(lastCounts.GetValueOrDefault((comment.Id, 0)), s.Overall.Pass);
            Assert.True(s.Overall.Agree <= comment.Agrees && s.Overall.Disagree <= comment.Disagrees);
            superseded += comment.Agrees + comment.Disagrees - s.Overall.Agree - s.Overall.Disagree;
            var inGroups = s.ByGroup.Aggregate(default(VoteCounts), (a, g) => new VoteCounts(a.Agree + g.Agree, a.Disagree + g.Disagree, a.Pass + g.Pass));
            Assert.True(inGroups.Agree <= s.Overall.Agree && inGroups.Disagree <= s.Overall.Disagree && inGroups.Pass <= s.Overall.Pass);
        }

        output.WriteLine($"{conversation}: {superseded} agree/disagree events superseded by a later vote");
    }

    [Theory]
    [MemberData(nameof(HistoryDependent))]
    public void RunningTwiceGivesIdenticalOutput(string conversation)
    {
        var directory = TestHelpers.PolisDirectory(conversation);
        var first = PolisCli.ToJson(OpinionAnalyzer.Analyze(PolisExport.Load(directory).Votes));
        var second = PolisCli.ToJson(OpinionAnalyzer.Analyze(PolisExport.Load(directory).Votes));
        Assert.Equal(first, second);
    }

    [Fact]
    public void CliWritesTheDocumentedJson()
    {
        using var writer = new StringWriter();
        var code = PolisCli.Run(["analyze", TestHelpers.PolisDirectory("brexit-consensus")], writer, TextWriter.Null);
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(writer.ToString());
        var root = doc.RootElement;
        Assert.Equal(["participants", "statements", "groups", "consensus", "groupInformedConsensus"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(50, root.GetProperty("statements").GetInt32());
        Assert.True(root.GetProperty("participants").GetInt32() > 0);
        var group = root.GetProperty("groups")[0];
        Assert.Equal(0, group.GetProperty("id").GetInt32());
        Assert.True(group.GetProperty("members").GetArrayLength() > 0);
        var consensus = root.GetProperty("consensus")[0];
        Assert.Equal("0", consensus.GetProperty("statement").GetString());
        var total = consensus.GetProperty("agree").GetDouble() + consensus.GetProperty("disagree").GetDouble() + consensus.GetProperty("pass").GetDouble();
        Assert.Equal(1.0, total, 9);
        var gic = root.GetProperty("groupInformedConsensus")[0].GetProperty("value").GetDouble();
        Assert.InRange(gic, 0.0, 1.0);
    }

    [Fact]
    public void CliRejectsBadUsage()
    {
        Assert.Equal(2, PolisCli.Run([], TextWriter.Null, TextWriter.Null));
        Assert.Equal(2, PolisCli.Run(["analyze", "/nonexistent/dir/for/test"], TextWriter.Null, TextWriter.Null));
    }
}
