using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Agora.Charter.Analysis;
using Agora.Charter.Statements;
using Agora.Charter.Tests.Analysis;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Import;

public sealed class PolisImportTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private static MultipartFormDataContent Form(string title, IReadOnlyDictionary<string, string> files)
    {
        var form = new MultipartFormDataContent { { new StringContent(title), "title" } };
        foreach (var (name, text) in files)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(content, name, name);
        }
        return form;
    }

    private static Dictionary<string, string> Export(string conversation) =>
        new[] { "votes.csv", "comments.csv", "participants-votes.csv" }
            .ToDictionary(f => f, f => File.ReadAllText(Path.Combine(TestHelpers.PolisDirectory(conversation), f)));

    private async Task<(int Conversations, int Statements, int Votes)> CountsAsync()
    {
        await using var scope = factory.Scope(out var db);
        return (await db.Conversations.CountAsync(), await db.Statements.CountAsync(), await db.Votes.CountAsync());
    }

    [Fact]
    public async Task An_imported_export_is_stored_and_analyzed_with_the_exports_counts()
    {
        var imported = await (await steering.PostAsync("/api/charter/conversations/import/polis", Form("Brexit", Export("brexit-consensus"))))
            .ReadAsync(HttpStatusCode.Created);
        var conversation = imported.GetProperty("conversationId").GetGuid();
        var export = PolisExport.Load(TestHelpers.PolisDirectory("brexit-consensus"));
        Assert.Equal(export.Comments.Count, imported.GetProperty("statements").GetInt32());
        Assert.Equal(export.Votes.VoteCount, imported.GetProperty("votes").GetInt32());

        var analysis = await Eventually.GetAsync(async () =>
        {
            var r = await steering.GetAsync($"/api/charter/conversations/{conversation}/analysis");
            return r.StatusCode == HttpStatusCode.OK ? await r.ReadAsync(HttpStatusCode.OK) : default;
        }, a => a.ValueKind == System.Text.Json.JsonValueKind.Object, TimeSpan.FromSeconds(60));

        // The same numbers as the analysis of the files themselves, statement by statement (ids mapped through the comment-id).
        var expected = OpinionAnalyzer.Analyze(export.Votes);
        Assert.Equal(expected.Participants, analysis.GetProperty("participants").GetInt32());
        Dictionary<Guid, string> keys;
        await using (var scope = factory.Scope(out var db))
        {
            keys = await db.Statements.Where(s => s.ConversationId == conversation).ToDictionaryAsync(s => s.Id, s => s.ExternalKey!);
            var body = await db.Statements.Where(s => s.ConversationId == conversation && s.ExternalKey == "36").Select(s => s.TextEn).SingleAsync();
            Assert.StartsWith("Opposition to Brexit as a whole", body, StringComparison.Ordinal);
        }
        var byKey = expected.StatementStats.ToDictionary(s => s.Statement);
        foreach (var s in analysis.GetProperty("statementStats").EnumerateArray())
        {
            var want = byKey[keys[s.GetProperty("statement").GetGuid()]].Overall;
            var got = s.GetProperty("overall");
            Assert.Equal((want.Agree, want.Disagree, want.Pass),
                (got.GetProperty("agree").GetInt32(), got.GetProperty("disagree").GetInt32(), got.GetProperty("pass").GetInt32()));
        }
        Assert.Equal(expected.Groups.Count, analysis.GetProperty("groups").GetArrayLength());
        Assert.Equal(expected.Groups.Select(g => g.Members.Count), analysis.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("size").GetInt32()));
    }

    [Theory]
    [InlineData("votes.csv", "timestamp,datetime,comment-id,voter-id\n1,x,0,0\n", "votes.csv", 1L, "vote")]
    [InlineData("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,maybe\n", "votes.csv", 3L, "vote")]
    [InlineData("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,9999,1,1\n", "votes.csv", 3L, "comment-id")]
    [InlineData("participants-votes.csv", "participant,group-id\n0,0\n7,1\n", "participants-votes.csv", 3L, "participant")]
    [InlineData("comments.csv", "timestamp,datetime,comment-id,author-id,agrees,disagrees,comment-body\n1,x,0,0,1,0,hello\n", "comments.csv", 1L, "moderated")]
    public async Task A_malformed_export_is_a_400_naming_file_and_line_and_nothing_is_written(string file, string text, string badFile, long line, string column)
    {
        var files = new Dictionary<string, string>
        {
            ["comments.csv"] = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,0,0,1,0,1,hello\n",
            ["votes.csv"] = "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n",
        };
        files[file] = text;
        var before = await CountsAsync();
        var problem = await (await steering.PostAsync("/api/charter/conversations/import/polis", Form("bad", files)))
            .ProblemAsync(HttpStatusCode.BadRequest, "polis-format");
        Assert.Equal(badFile, problem.GetProperty("file").GetString());
        Assert.Equal(line, problem.GetProperty("line").GetInt64());
        Assert.Equal(column, problem.GetProperty("column").GetString());
        Assert.Contains(badFile, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_comment_id_longer_than_100_characters_is_a_400_naming_file_and_line_and_nothing_is_written()
    {
        var longId = new string('7', 101);
        var files = new Dictionary<string, string>
        {
            ["comments.csv"] = $"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,0,0,1,0,1,hello\n2,x,{longId},0,1,0,1,long\n",
            ["votes.csv"] = $"timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,{longId},0,1\n",
        };
        var before = await CountsAsync();
        var problem = await (await steering.PostAsync("/api/charter/conversations/import/polis", Form("long ids", files)))
            .ProblemAsync(HttpStatusCode.BadRequest, "polis-format");
        Assert.Equal("comments.csv", problem.GetProperty("file").GetString());
        Assert.Equal(3L, problem.GetProperty("line").GetInt64());
        Assert.Equal("comment-id", problem.GetProperty("column").GetString());
        Assert.Equal(before, await CountsAsync());

        // 100 characters still fit.
        var fits = new string('7', 100);
        files = files.ToDictionary(f => f.Key, f => f.Value.Replace(longId, fits, StringComparison.Ordinal));
        await (await steering.PostAsync("/api/charter/conversations/import/polis", Form("long ids", files))).ReadAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u200B\u200B")]
    public async Task A_comment_with_no_text_is_a_400_naming_file_line_and_comment_and_nothing_is_written(string body)
    {
        var files = new Dictionary<string, string>
        {
            ["comments.csv"] = $"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,0,0,1,0,1,hello\n2,x,7,0,1,0,0,{body}\n",
            ["votes.csv"] = "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,7,0,1\n",
        };
        var before = await CountsAsync();
        var problem = await (await steering.PostAsync("/api/charter/conversations/import/polis", Form("blank", files)))
            .ProblemAsync(HttpStatusCode.BadRequest, "polis-format");
        Assert.Equal("comments.csv", problem.GetProperty("file").GetString());
        Assert.Equal(3L, problem.GetProperty("line").GetInt64());
        Assert.Equal("comment-body", problem.GetProperty("column").GetString());
        Assert.Contains("comment '7'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_comment_moderated_out_in_polis_may_have_no_text_and_is_imported_rejected()
    {
        // Real exports hold such comments (football-concussions' comment 151): refusing them would refuse the export.
        var files = new Dictionary<string, string>
        {
            ["comments.csv"] = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,0,0,1,0,1,hello\n2,x,7,0,0,0,-1,\n",
            ["votes.csv"] = "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,7,0,0\n",
        };
        var imported = await (await steering.PostAsync("/api/charter/conversations/import/polis", Form("moderated out", files))).ReadAsync(HttpStatusCode.Created);
        var conversation = imported.GetProperty("conversationId").GetGuid();
        await using var scope = factory.Scope(out var db);
        Assert.Equal(StatementStatus.Rejected, await db.Statements.Where(s => s.ConversationId == conversation && s.ExternalKey == "7").Select(s => s.Status).SingleAsync());
    }

    [Fact]
    public async Task A_multipart_body_that_cannot_be_read_is_a_400()
    {
        var before = await CountsAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--x--\r\n"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data"); // no boundary
        await (await steering.PostAsync("/api/charter/conversations/import/polis", content)).ProblemAsync(HttpStatusCode.BadRequest, "malformed-multipart");

        var truncated = new ByteArrayContent(Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"comments.csv\"; filename=\"comments.csv\"\r\n\r\ncomment-id"));
        truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        await (await steering.PostAsync("/api/charter/conversations/import/polis", truncated)).ProblemAsync(HttpStatusCode.BadRequest, "malformed-multipart");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Missing_files_and_non_steering_callers_are_refused()
    {
        var problem = await (await steering.PostAsync("/api/charter/conversations/import/polis",
            Form("x", new Dictionary<string, string> { ["votes.csv"] = "timestamp,datetime,comment-id,voter-id,vote\n" })))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("comments.csv", out _));
        var participant = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        Assert.Equal(HttpStatusCode.Forbidden, (await participant.PostAsync("/api/charter/conversations/import/polis", Form("x", Export("brexit-consensus")))).StatusCode);
    }

    [Fact]
    public async Task A_comment_over_500_characters_is_cut_without_splitting_a_character_beyond_U_FFFF()
    {
        // Pol.is comments have no length limit; a statement holds 500 characters, and the cut falls inside the emoji.
        var body = new string('a', Statement.MaxLength - 1) + "\U0001F30D" + " and more";
        var files = new Dictionary<string, string>
        {
            ["comments.csv"] = $"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,0,0,1,0,1,{body}\n",
            ["votes.csv"] = "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n",
        };
        var imported = await (await steering.PostAsync("/api/charter/conversations/import/polis", Form("long comment", files))).ReadAsync(HttpStatusCode.Created);

        await using var scope = factory.Scope(out var db);
        var conversation = imported.GetProperty("conversationId").GetGuid();
        var stored = await db.Statements.Where(s => s.ConversationId == conversation).Select(s => s.TextEn).SingleAsync();
        Assert.Equal(new string('a', Statement.MaxLength - 1), stored);
    }

    [Fact]
    public async Task A_title_with_control_characters_is_a_400_naming_it_and_nothing_is_written()
    {
        var files = new Dictionary<string, string>
        {
            ["comments.csv"] = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,0,0,1,0,1,hello\n",
            ["votes.csv"] = "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n",
        };
        var before = await CountsAsync();
        var problem = await (await steering.PostAsync("/api/charter/conversations/import/polis", Form("Brexit\u001b[31m", files)))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("title", out _), problem.ToString());
        Assert.Equal(before, await CountsAsync());
    }
}
