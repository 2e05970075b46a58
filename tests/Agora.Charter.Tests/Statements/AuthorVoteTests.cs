using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Charter.Statements;
using Agora.Contracts.Registry;
using Agora.Contracts.Workshops;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Statements;

/// <summary>As Pol.is: a participant's statement comes with its author's agree vote; contributions and steering's seeds with none.</summary>
public sealed class AuthorVoteTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private static string Main => $"/api/charter/conversations/{Conversation.MainId}";

    private async Task<JsonElement> StatsAsync(Guid statement, Func<JsonElement, bool> until) =>
        await Eventually.GetAsync(async () =>
        {
            var r = await steering.GetAsync($"{Main}/analysis");
            if (r.StatusCode != HttpStatusCode.OK)
            {
                return default;
            }
            var a = await r.ReadAsync(HttpStatusCode.OK);
            return a.GetProperty("statementStats").EnumerateArray().FirstOrDefault(s => s.GetProperty("statement").GetGuid() == statement);
        }, s => s.ValueKind == JsonValueKind.Object && until(s.GetProperty("overall")));

    [Fact]
    public async Task A_participants_statement_carries_their_agree_vote_which_counts_once_accepted_and_which_they_can_change()
    {
        var author = Guid.NewGuid();
        var participant = factory.ClientFor(author, Roles.Participant);
        var created = await (await participant.PostAsJsonAsync($"{Main}/statements",
            new { text = "L'eau est un bien commun.", language = "fr", theme = "water" })).ReadAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();

        var mine = await (await participant.GetAsync($"/api/charter/statements/{id}/votes/mine")).ReadAsync(HttpStatusCode.OK);
        var vote = Assert.Single(mine.EnumerateArray());
        Assert.Equal("agree", vote.GetProperty("value").GetString());
        // Cast when the statement was created (PostgreSQL keeps microseconds).
        Assert.True((created.GetProperty("createdAt").GetDateTimeOffset() - vote.GetProperty("castAt").GetDateTimeOffset()).Duration() < TimeSpan.FromMilliseconds(1));
        await using (var scope = factory.Scope(out var db))
        {
            var stored = await db.Votes.SingleAsync(v => v.StatementId == id);
            Assert.Equal((author, Conversation.MainId, (short)1), (stored.ParticipantId, stored.ConversationId, stored.Value));
        }

        await (await steering.PostAsync($"/api/charter/statements/{id}/accept", null)).ReadAsync(HttpStatusCode.OK);
        var overall = (await StatsAsync(id, o => o.GetProperty("agree").GetInt32() == 1)).GetProperty("overall");
        Assert.Equal(1, overall.GetProperty("seen").GetInt32());
        Assert.Equal(0, overall.GetProperty("disagree").GetInt32());

        // Their vote like any other: the last one counts, the history is kept.
        await (await participant.VoteAsync(id, "disagree")).ReadAsync(HttpStatusCode.Created);
        mine = await (await participant.GetAsync($"/api/charter/statements/{id}/votes/mine")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["agree", "disagree"], mine.EnumerateArray().Select(v => v.GetProperty("value").GetString()!).ToArray());
        overall = (await StatsAsync(id, o => o.GetProperty("disagree").GetInt32() == 1)).GetProperty("overall");
        Assert.Equal((0, 1), (overall.GetProperty("agree").GetInt32(), overall.GetProperty("seen").GetInt32()));
    }

    [Fact]
    public async Task A_contributions_statement_and_a_steering_seed_carry_no_vote()
    {
        var seeder = Guid.NewGuid();
        var seeding = factory.ClientFor(seeder, Roles.Steering);
        var seed = (await (await seeding.PostAsJsonAsync($"{Main}/statements",
            new { text = "Le travail digne pour tous.", language = "fr", theme = "work" })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Assert.Empty((await (await seeding.GetAsync($"/api/charter/statements/{seed}/votes/mine")).ReadAsync(HttpStatusCode.OK)).EnumerateArray());

        var contribution = Guid.NewGuid();
        await factory.PublishUntilAsync(new ContributionValidated(contribution, Guid.NewGuid(), null, "justice", "demand", "fr",
            "La justice doit être rendue.", [], DateTimeOffset.UtcNow), Guid.NewGuid(), async () =>
            {
                await using var scope = factory.Scope(out var db);
                return await db.Statements.AnyAsync(s => s.SourceContributionId == contribution);
            });

        await using var check = factory.Scope(out var after);
        var fromContribution = await after.Statements.SingleAsync(s => s.SourceContributionId == contribution);
        Assert.Null(fromContribution.AuthorId);
        Assert.Equal(seeder, (await after.Statements.SingleAsync(s => s.Id == seed)).AuthorId);
        Assert.False(await after.Votes.AnyAsync(v => v.StatementId == seed || v.StatementId == fromContribution.Id));
    }

    [Fact]
    public async Task An_erasure_unlinks_the_authors_vote_with_their_other_votes()
    {
        var author = Guid.NewGuid();
        var participant = factory.ClientFor(author, Roles.Participant);
        var id = (await (await participant.PostAsJsonAsync($"{Main}/statements",
            new { text = "Les archives doivent être ouvertes.", language = "fr", theme = "memory" })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await factory.PublishUntilAsync(new ParticipantErased(author, DateTimeOffset.UtcNow), Guid.NewGuid(), async () =>
        {
            await using var scope = factory.Scope(out var db);
            return !await db.Votes.AnyAsync(v => v.ParticipantId == author);
        });

        await using var check = factory.Scope(out var after);
        var vote = await after.Votes.SingleAsync(v => v.StatementId == id);
        Assert.NotEqual(author, vote.ParticipantId);
        Assert.Equal(1, vote.Value);
    }
}
