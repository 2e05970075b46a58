using Agora.Charter.Analysis;
using Xunit;

namespace Agora.Charter.Tests.Analysis;

public sealed class PolisExportTests : IDisposable
{
    private const string Comments = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n" +
        "1,x,0,0,1,0,1,\"first, with a comma\nand a newline\"\n" +
        "2,x,1,0,0,1,-1,second\n";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "polis-export-tests-" + Guid.NewGuid().ToString("N"));

    public PolisExportTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, true);

    private void Write(string votes, string comments = Comments)
    {
        File.WriteAllText(Path.Combine(_directory, "comments.csv"), comments);
        File.WriteAllText(Path.Combine(_directory, "votes.csv"), votes);
    }

    [Fact]
    public void LoadsAValidExportInArrivalOrder()
    {
        Write("timestamp,datetime,comment-id,voter-id,vote\n5,x,0,7,1\n3,x,1,9,-1\n4,x,0,7,-1\n6,x,0,9,0\n");
        var export = PolisExport.Load(_directory);
        Assert.Equal(["9", "7"], export.Votes.ParticipantKeys); // 9 voted first (timestamp 3)
        Assert.Equal(ModerationStatus.ModeratedOut, export.Votes.Moderation[1]);
        Assert.Equal(1, export.Votes.VotesOf(1)[0]); // 7's vote at 5 overrides the one at 4
        Assert.Empty(export.PolisGroups);
    }

    [Fact]
    public void MissingColumnNamesFileAndColumn()
    {
        Write("timestamp,datetime,comment-id,voter-id\n1,x,0,7\n");
        var e = Assert.Throws<PolisFormatException>(() => PolisExport.Load(_directory));
        Assert.Equal("votes.csv", e.File);
        Assert.Equal("vote", e.Column);
        Assert.Equal(1, e.Line);
        Assert.Contains("votes.csv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongTypeNamesLineAndColumn()
    {
        Write("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,7,1\n2,x,0,8,yes\n");
        var e = Assert.Throws<PolisFormatException>(() => PolisExport.Load(_directory));
        Assert.Equal(("votes.csv", 3L, "vote"), (e.File, e.Line, e.Column));
        Assert.Contains("yes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VoteOutOfRangeIsRejected()
    {
        Write("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,7,2\n");
        var e = Assert.Throws<PolisFormatException>(() => PolisExport.Load(_directory));
        Assert.Equal(("votes.csv", 2L, "vote"), (e.File, e.Line, e.Column));
    }

    [Fact]
    public void UnknownCommentIdIsRejected()
    {
        Write("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,7,1\n2,x,42,7,1\n");
        var e = Assert.Throws<PolisFormatException>(() => PolisExport.Load(_directory));
        Assert.Equal(("votes.csv", 3L, "comment-id"), (e.File, e.Line, e.Column));
        Assert.Contains("42", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadModerationIsRejectedWithTheRightLine()
    {
        // The first quoted body spans lines 2-3, so the bad third record starts on line 5.
        Write("timestamp,datetime,comment-id,voter-id,vote\n", Comments + "3,x,2,0,0,0,7,third\n");
        var e = Assert.Throws<PolisFormatException>(() => PolisExport.Load(_directory));
        Assert.Equal(("comments.csv", 5L, "moderated"), (e.File, e.Line, e.Column));
    }

    [Fact]
    public void MissingFileIsAFormatError()
    {
        File.WriteAllText(Path.Combine(_directory, "comments.csv"), Comments);
        var e = Assert.Throws<PolisFormatException>(() => PolisExport.Load(_directory));
        Assert.Contains("votes.csv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParticipantsVotesGroupIdsAreRead()
    {
        Write("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,7,1\n");
        File.WriteAllText(Path.Combine(_directory, "participants-votes.csv"), "participant,group-id,n-comments\n7,1,0\n8,,0\n");
        var export = PolisExport.Load(_directory);
        Assert.Equal(1, export.PolisGroups["7"]);
        Assert.Null(export.PolisGroups["8"]);
        File.WriteAllText(Path.Combine(_directory, "participants-votes.csv"), "participant,n-comments\n7,0\n");
        Assert.Equal("group-id", Assert.Throws<PolisFormatException>(() => PolisExport.Load(_directory)).Column);
    }
}
