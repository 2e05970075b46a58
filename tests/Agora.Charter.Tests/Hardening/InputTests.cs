using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Charter.Charters;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Hardening;

/// <summary>Input that used to get past validation and fail when stored, or be stored when it should be refused.</summary>
public sealed class InputTests(FakeClockCharterFactory factory) : IClassFixture<FakeClockCharterFactory>
{
    private static readonly TimeSpan Tunis = TimeSpan.FromHours(1);

    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    /// <summary>The whole second <paramref name="fromNow"/> ahead, with Tunisia's offset (e.g. 2026-12-01T10:00:00.0000000+01:00).</summary>
    private DateTimeOffset InTunis(TimeSpan fromNow)
    {
        var t = Now.Add(fromNow);
        return t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond)).ToOffset(Tunis);
    }

    private static string Text(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Times_sent_with_a_non_utc_offset_are_stored_as_the_same_instant()
    {
        var opens = InTunis(TimeSpan.FromMinutes(1));
        var closes = InTunis(TimeSpan.FromDays(2));
        Assert.EndsWith("+01:00", Text(opens), StringComparison.Ordinal);

        // A ballot on a final version.
        var (final, _) = await factory.CharterAsync(VersionStatus.Final);
        var ballot = await (await steering.PostAsJsonAsync($"/api/charter/charters/{final}/versions/1/ballots",
            new { opensAt = Text(opens), closesAt = Text(closes), quorum = 1, majority = 0.5 })).ReadAsync(HttpStatusCode.Created);
        var ballotId = ballot.GetProperty("id").GetGuid();
        // Answered in UTC, as every time in the API (ARCHITECTURE.md), not with the offset it was sent with.
        Assert.Equal(opens.UtcDateTime, ballot.GetProperty("opensAt").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(TimeSpan.Zero, ballot.GetProperty("opensAt").GetDateTimeOffset().Offset);

        // A vote on an amendment of a draft.
        var (draft, draftArticles) = await factory.CharterAsync(VersionStatus.Draft);
        var amendment = await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/charter/charters/{draft}/versions/1/amendments",
            new { articleId = draftArticles[0].Id, text = "Autre texte." })).ReadAsync(HttpStatusCode.Created);
        var vote = await (await steering.PostAsJsonAsync($"/api/charter/amendments/{amendment.GetProperty("id").GetGuid()}/votes",
            new { opensAt = Text(opens), closesAt = Text(closes), quorum = 1, majority = 0.5 })).ReadAsync(HttpStatusCode.Created);
        var voteId = vote.GetProperty("id").GetGuid();

        // An action of an adopted article: its deadline when created and when moved, and a milestone's due date.
        var (adopted, adoptedArticles) = await factory.CharterAsync(VersionStatus.Adopted);
        var deadline = InTunis(TimeSpan.FromDays(30));
        var action = await (await steering.PostAsJsonAsync($"/api/charter/charters/{adopted}/articles/{adoptedArticles[0].LineageId}/actions",
            new { title = "Cartographier les coupures d'eau", deadline = Text(deadline) })).ReadAsync(HttpStatusCode.Created);
        var actionId = action.GetProperty("id").GetGuid();
        var moved = InTunis(TimeSpan.FromDays(40));
        await (await steering.PatchAsJsonAsync($"/api/charter/actions/{actionId}", new { deadline = Text(moved) })).ReadAsync(HttpStatusCode.OK);
        var due = InTunis(TimeSpan.FromDays(10));
        await (await steering.PostAsJsonAsync($"/api/charter/actions/{actionId}/milestones", new { title = "Enquête à Gafsa", due = Text(due) })).ReadAsync(HttpStatusCode.OK);

        await using var scope = factory.Scope(out var db);
        var storedBallot = await db.Ballots.SingleAsync(b => b.Id == ballotId);
        Assert.Equal((opens.UtcDateTime, closes.UtcDateTime), (storedBallot.OpensAt.UtcDateTime, storedBallot.ClosesAt.UtcDateTime));
        var storedVote = await db.AmendmentVotes.SingleAsync(v => v.Id == voteId);
        Assert.Equal((opens.UtcDateTime, closes.UtcDateTime), (storedVote.OpensAt.UtcDateTime, storedVote.ClosesAt.UtcDateTime));
        var storedAction = await db.Actions.SingleAsync(a => a.Id == actionId);
        Assert.Equal(moved.UtcDateTime, storedAction.Deadline!.Value.UtcDateTime);
        var storedMilestone = await db.Milestones.SingleAsync(m => m.ActionId == actionId);
        Assert.Equal(due.UtcDateTime, storedMilestone.Due!.Value.UtcDateTime);

        // Queries compare instants: the ballot opened at opens (09:xxZ), whatever offset it was sent with.
        Assert.True(await db.Ballots.AnyAsync(b => b.Id == ballotId && b.OpensAt == opens));
    }

    [Fact]
    public async Task A_malformed_time_is_a_400_naming_the_field_and_writes_nothing()
    {
        var (final, _) = await factory.CharterAsync(VersionStatus.Final);

        var response = await steering.PostAsJsonAsync($"/api/charter/charters/{final}/versions/1/ballots",
            new { opensAt = "2026-13-45T25:00:00+01:00", closesAt = Text(InTunis(TimeSpan.FromDays(2))), quorum = 1, majority = 0.5 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/malformed-json", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("opensAt", out _), problem.ToString());
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Ballots.AnyAsync(b => b.CharterId == final));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public async Task A_majority_that_is_not_a_share_is_a_400_naming_the_field(string majority)
    {
        var window = new { closesAt = Text(InTunis(TimeSpan.FromDays(1))), quorum = 1, majority };
        var (final, _) = await factory.CharterAsync(VersionStatus.Final);
        var problem = await (await steering.PostAsJsonAsync($"/api/charter/charters/{final}/versions/1/ballots", window))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("majority", out _));

        var (draft, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var amendment = await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/charter/charters/{draft}/versions/1/amendments",
            new { articleId = articles[0].Id, text = "Autre texte." })).ReadAsync(HttpStatusCode.Created);
        var amendmentId = amendment.GetProperty("id").GetGuid();
        problem = await (await steering.PostAsJsonAsync($"/api/charter/amendments/{amendmentId}/votes", window))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("majority", out _));

        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Ballots.AnyAsync(b => b.CharterId == final));
        Assert.False(await db.AmendmentVotes.AnyAsync(v => v.AmendmentId == amendmentId));
    }

    [Theory]
    [InlineData("99")]
    [InlineData("-1")]
    [InlineData("1")]
    [InlineData("pending,accepted")]
    public async Task A_statement_status_filter_that_is_not_a_status_name_is_a_400(string status)
    {
        // Enum.TryParse took numbers and comma lists (their bitwise or) as statuses and answered 200 with whatever matched.
        var main = "0192f000-0000-7000-8000-000000000001";
        await (await steering.GetAsync($"/api/charter/conversations/{main}/statements?status={status}")).ProblemAsync(HttpStatusCode.BadRequest, "invalid-status");
        await (await steering.GetAsync($"/api/charter/conversations/{main}/statements?status=Accepted")).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_amendment_rationale_over_5000_characters_is_a_400_naming_the_field()
    {
        var (draft, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var author = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        var url = $"/api/charter/charters/{draft}/versions/1/amendments";
        var tooLong = new string('ب', 5001);
        var problem = await (await author.PostAsJsonAsync(url, new { articleId = articles[0].Id, text = "Autre texte.", rationale = tooLong }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("rationale", out _));
        await using (var scope = factory.Scope(out var db))
        {
            Assert.False(await db.Amendments.AnyAsync(a => a.CharterId == draft));
        }

        var amendment = await (await author.PostAsJsonAsync(url, new { articleId = articles[0].Id, text = "Autre texte.", rationale = new string('ب', 5000) }))
            .ReadAsync(HttpStatusCode.Created);
        var amendmentId = amendment.GetProperty("id").GetGuid();
        problem = await (await author.PutAsJsonAsync($"/api/charter/amendments/{amendmentId}", new { text = "Encore un autre texte.", rationale = tooLong }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("rationale", out _));
        await using (var scope = factory.Scope(out var db))
        {
            var stored = await db.Amendments.SingleAsync(a => a.Id == amendmentId);
            Assert.Equal(("Autre texte.", 5000), (stored.ProposedText, stored.Rationale!.Length));
        }
    }

    /// <summary>Every text a person writes into the charter refuses control characters (line breaks pass in long texts).</summary>
    [Fact]
    public async Task Control_characters_in_the_charters_texts_are_400s_naming_the_field_and_nothing_is_written()
    {
        var participant = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        var marker = $"Le droit à l'eau {Guid.NewGuid():N}";
        async Task Refused(HttpResponseMessage response, params string[] fields)
        {
            var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("errors");
            Assert.Equal(fields.Order(), errors.EnumerateObject().Select(e => e.Name).Order());
        }

        // A statement: its text (line breaks allowed) and its theme.
        await Refused(await participant.PostAsJsonAsync($"/api/charter/conversations/{Agora.Charter.Statements.Conversation.MainId}/statements",
            new { text = marker + "\u001b", language = "fr", theme = "eau\u0007" }), "text", "theme");
        await (await participant.PostAsJsonAsync($"/api/charter/conversations/{Agora.Charter.Statements.Conversation.MainId}/statements",
            new { text = marker + "\npour tous", language = "fr", theme = "eau" })).ReadAsync(HttpStatusCode.Created);
        var statement = (await factory.StatementsAsync(Agora.Charter.Statements.Conversation.MainId, 1, status: Agora.Charter.Statements.StatementStatus.Pending))[0];
        await Refused(await steering.PostAsJsonAsync($"/api/charter/statements/{statement}/reject", new { reason = "doublon\u001b" }), "reason");

        // A charter's title; an amendment's text and rationale, and the reason it is rejected.
        await Refused(await steering.PostAsJsonAsync("/api/charter/charters", new { title = "Charte\u0007" }), "title");
        var (draft, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var amendments = $"/api/charter/charters/{draft}/versions/1/amendments";
        await Refused(await participant.PostAsJsonAsync(amendments, new { articleId = articles[0].Id, text = "Autre\u001b texte.", rationale = "Parce\u0000 que" }),
            "text", "rationale");
        var amendment = (await (await participant.PostAsJsonAsync(amendments, new { articleId = articles[0].Id, text = "Autre texte.\nSur deux lignes." }))
            .ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Refused(await steering.PostAsJsonAsync($"/api/charter/amendments/{amendment}/reject", new { reason = "non\u001b" }), "reason");

        // A coordination group, an action and a milestone.
        await Refused(await steering.PostAsJsonAsync("/api/charter/coordination/groups",
            new { name = marker + "\u001b", theme = "eau", mandate = "Suivre\u0007", members = new[] { Guid.NewGuid() } }), "name", "mandate");
        var (adopted, adoptedArticles) = await factory.CharterAsync(VersionStatus.Adopted);
        await Refused(await steering.PostAsJsonAsync($"/api/charter/charters/{adopted}/articles/{adoptedArticles[0].LineageId}/actions",
            new { title = "Cartographier\u001b" }), "title");
        var action = (await (await steering.PostAsJsonAsync($"/api/charter/charters/{adopted}/articles/{adoptedArticles[0].LineageId}/actions",
            new { title = "Cartographier les coupures d'eau" })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Refused(await steering.PostAsJsonAsync($"/api/charter/actions/{action}/milestones", new { title = "Enquête\u0007" }), "title");

        await using var scope = factory.Scope(out var db);
        Assert.Equal(1, await db.Statements.CountAsync(s => s.TextFr!.StartsWith(marker)));
        Assert.Equal(Agora.Charter.Statements.StatementStatus.Pending, (await db.Statements.SingleAsync(s => s.Id == statement)).Status);
        Assert.Equal(1, await db.Amendments.CountAsync(a => a.CharterId == draft));
        Assert.False(await db.CoordinationGroups.AnyAsync(g => g.Name.StartsWith(marker)));
        Assert.False(await db.Milestones.AnyAsync(m => m.ActionId == action));
        Assert.Equal(1, await db.Actions.CountAsync(a => a.CharterId == adopted));
    }
}
