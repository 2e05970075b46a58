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
}
