using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Charter.Adoption;
using Agora.Charter.Charters;
using Agora.Charter.Consensus;
using Agora.Charter.Constituencies;
using Agora.Charter.Statements;
using Agora.Charter.Votes;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Charter.Tests.Charters;

public sealed class AmendmentVoteTests(FakeClockCharterFactory factory) : IClassFixture<FakeClockCharterFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    /// <summary>A drafted charter (v1: "dignity" and "water" articles); returns its id and v1's articles.</summary>
    private async Task<(Guid Charter, JsonElement[] Articles)> DraftAsync()
    {
        var conversation = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = conversation, Title = "charter", Source = "agora", CreatedAt = Now });
            await db.SaveChangesAsync();
        }
        var ids = (await factory.StatementsAsync(conversation, 2, "water", now: Now)).Concat(await factory.StatementsAsync(conversation, 1, "dignity", now: Now)).ToArray();
        var divisive = (await factory.StatementsAsync(conversation, 1, "economy", now: Now))[0];
        await using (var scope = factory.Scope(out var db))
        {
            for (var i = 0; i < 12; i++)
            {
                var p = Guid.NewGuid();
                db.Votes.AddRange(ids.Select(id => new Vote { ConversationId = conversation, StatementId = id, ParticipantId = p, Value = 1, CastAt = Now }));
                db.Votes.Add(new Vote { ConversationId = conversation, StatementId = divisive, ParticipantId = p, Value = (short)(i % 2 == 0 ? 1 : -1), CastAt = Now });
            }
            await db.SaveChangesAsync();
        }
        await factory.Services.GetRequiredService<AnalysisWorker>().RunOnceAsync(CancellationToken.None);
        var draft = await (await steering.PostAsJsonAsync("/api/charter/charters", new { title = "Charte", conversationId = conversation })).ReadAsync(HttpStatusCode.Created);
        return (draft.GetProperty("charterId").GetGuid(), [.. draft.GetProperty("articles").EnumerateArray()]);
    }

    private async Task<Guid> ProposeAsync(Guid charter, int version, Guid article, string text) =>
        (await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/charter/charters/{charter}/versions/{version}/amendments",
            new { articleId = article, text })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private object Window(int quorum = 3, double majority = 0.6, bool byCollege = false) =>
        new { opensAt = Now.AddSeconds(10), closesAt = Now.AddMinutes(5), quorum, majority, byCollege };

    private async Task<Guid[]> VotersAsync(int count, string kind = "individual")
    {
        var voters = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        await using var scope = factory.Scope(out var db);
        db.Profiles.AddRange(voters.Select(v => new ParticipantProfile { ParticipantId = v, Kind = kind, ChangedAt = Now }));
        await db.SaveChangesAsync();
        return voters;
    }

    private Task<HttpResponseMessage> CastAsync(Guid voter, Guid vote, string choice) =>
        factory.ClientFor(voter, Roles.Participant).PostAsJsonAsync($"/api/charter/amendment-votes/{vote}/casts", new { choice });

    private async Task<int> CastCountAsync(Guid vote)
    {
        await using var scope = factory.Scope(out var db);
        return await db.AmendmentVoteCasts.CountAsync(c => c.VoteId == vote);
    }

    [Fact]
    public async Task A_vote_accepts_an_amendment_into_a_new_version_like_a_steering_acceptance()
    {
        var (charter, articles) = await DraftAsync();
        var water = articles[1];
        var amendment = await ProposeAsync(charter, 1, water.GetProperty("id").GetGuid(), "L'eau est un bien commun.");
        var open = $"/api/charter/amendments/{amendment}/votes";
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync(open, Window())).StatusCode);
        await (await steering.PostAsJsonAsync(open, new { closesAt = Now.AddMinutes(-1), quorum = 0, majority = 0 })).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        var vote = (await (await steering.PostAsJsonAsync(open, Window())).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await (await steering.PostAsJsonAsync(open, Window())).ProblemAsync(HttpStatusCode.Conflict, "amendment-under-vote");
        // While the vote runs, steering cannot decide it and the author cannot change the text.
        await (await steering.PostAsync($"/api/charter/amendments/{amendment}/accept", null)).ProblemAsync(HttpStatusCode.Conflict, "amendment-under-vote");
        await (await steering.PostAsJsonAsync($"/api/charter/amendments/{amendment}/reject", new { reason = "non" })).ProblemAsync(HttpStatusCode.Conflict, "amendment-under-vote");

        var voters = await VotersAsync(5);
        await (await CastAsync(voters[0], vote, "for")).ProblemAsync(HttpStatusCode.Conflict, "vote-not-open"); // before the window
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await (await CastAsync(voters[0], vote, "maybe")).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await CastAsync(voters[0], Guid.NewGuid(), "for")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        string[] choices = ["for", "for", "for", "against", "abstain"];
        for (var i = 0; i < choices.Length; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await CastAsync(voters[i], vote, choices[i])).StatusCode);
        }
        await (await CastAsync(voters[0], vote, "against")).ProblemAsync(HttpStatusCode.Conflict, "vote-already-cast");
        Assert.Equal(5, await CastCountAsync(vote));
        var running = await (await factory.ClientFor(voters[0], Roles.Participant).GetAsync($"/api/charter/amendment-votes/{vote}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, running.GetProperty("result").ValueKind);
        await (await steering.PostAsync($"/api/charter/amendment-votes/{vote}/close", null)).ProblemAsync(HttpStatusCode.Conflict, "vote-window-open");

        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await (await CastAsync(Guid.NewGuid(), vote, "for")).ProblemAsync(HttpStatusCode.Conflict, "vote-not-open"); // after the window
        Assert.Equal(5, await CastCountAsync(vote));
        var closed = await (await steering.PostAsync($"/api/charter/amendment-votes/{vote}/close", null)).ReadAsync(HttpStatusCode.OK);
        Assert.True(closed.GetProperty("accepted").GetBoolean());
        var result = closed.GetProperty("result");
        Assert.Equal(3, result.GetProperty("consents").GetInt32());
        Assert.Equal(1, result.GetProperty("objections").GetInt32());
        Assert.Equal(1, result.GetProperty("abstentions").GetInt32());
        Assert.Equal(0.75, result.GetProperty("consentShare").GetDouble());
        await (await steering.PostAsync($"/api/charter/amendment-votes/{vote}/close", null)).ProblemAsync(HttpStatusCode.Conflict, "vote-closed");

        // The same effect as a steering acceptance: v2 with the amended article, v1 superseded, CharterVersionPublished.
        var current = await (await steering.GetAsync($"/api/charter/charters/{charter}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, current.GetProperty("number").GetInt32());
        Assert.Equal(amendment, current.GetProperty("fromAmendmentId").GetGuid());
        Assert.Equal("L'eau est un bien commun.", current.GetProperty("articles")[1].GetProperty("text").GetString());
        Assert.Equal(articles[0].GetProperty("text").GetString(), current.GetProperty("articles")[0].GetProperty("text").GetString());
        var decided = await (await steering.GetAsync($"/api/charter/amendments/{amendment}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("accepted", decided.GetProperty("status").GetString());
        Assert.Equal(2, decided.GetProperty("resultingVersion").GetInt32());
        Assert.Equal(2, await factory.OutboxCountAsync("CharterVersionPublished", charter.ToString()));
    }

    [Fact]
    public async Task A_vote_that_misses_the_majority_or_the_quorum_records_a_rejection_and_changes_no_version()
    {
        var (charter, articles) = await DraftAsync();
        var article = articles[0].GetProperty("id").GetGuid();
        var lost = await ProposeAsync(charter, 1, article, "Texte A");
        var empty = await ProposeAsync(charter, 1, article, "Texte B");
        var lostVote = (await (await steering.PostAsJsonAsync($"/api/charter/amendments/{lost}/votes", Window(quorum: 2, majority: 0.5))).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var emptyVote = (await (await steering.PostAsJsonAsync($"/api/charter/amendments/{empty}/votes", Window(quorum: 2))).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var voters = await VotersAsync(3);
        Assert.Equal(HttpStatusCode.NoContent, (await CastAsync(voters[0], lostVote, "for")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await CastAsync(voters[1], lostVote, "against")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await CastAsync(voters[2], lostVote, "against")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await CastAsync(voters[0], emptyVote, "abstain")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(5));

        var a = await (await steering.PostAsync($"/api/charter/amendment-votes/{lostVote}/close", null)).ReadAsync(HttpStatusCode.OK);
        Assert.False(a.GetProperty("accepted").GetBoolean());
        Assert.Equal("rejected", a.GetProperty("outcome").GetString());
        var b = await (await steering.PostAsync($"/api/charter/amendment-votes/{emptyVote}/close", null)).ReadAsync(HttpStatusCode.OK);
        Assert.False(b.GetProperty("accepted").GetBoolean());
        Assert.Equal("quorum-not-reached", b.GetProperty("outcome").GetString());
        foreach (var id in new[] { lost, empty })
        {
            var amendment = await (await steering.GetAsync($"/api/charter/amendments/{id}")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal("rejected", amendment.GetProperty("status").GetString());
            Assert.StartsWith("Rejected by vote", amendment.GetProperty("decisionReason").GetString(), StringComparison.Ordinal);
        }
        var current = await (await steering.GetAsync($"/api/charter/charters/{charter}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, current.GetProperty("number").GetInt32());
        Assert.Equal(1, await factory.OutboxCountAsync("CharterVersionPublished", charter.ToString()));
        // A decided amendment takes no new vote.
        await (await steering.PostAsJsonAsync($"/api/charter/amendments/{lost}/votes", Window())).ProblemAsync(HttpStatusCode.Conflict, "amendment-decided");
    }

    [Fact]
    public async Task No_vote_opens_or_counts_on_an_amendment_against_a_superseded_version()
    {
        var (charter, articles) = await DraftAsync();
        var article = articles[1].GetProperty("id").GetGuid();
        var first = await ProposeAsync(charter, 1, article, "Première");
        var voted = await ProposeAsync(charter, 1, article, "Deuxième");
        var late = await ProposeAsync(charter, 1, article, "Troisième");
        var vote = (await (await steering.PostAsJsonAsync($"/api/charter/amendments/{voted}/votes", Window(quorum: 1, majority: 0.5))).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var voters = await VotersAsync(2);
        Assert.Equal(HttpStatusCode.NoContent, (await CastAsync(voters[0], vote, "for")).StatusCode);

        // Steering accepts another amendment: version 1 is superseded, the amendments still pending against it lapse and the
        // open vote is closed with them.
        await (await steering.PostAsync($"/api/charter/amendments/{first}/accept", null)).ReadAsync(HttpStatusCode.OK);
        await (await steering.PostAsJsonAsync($"/api/charter/amendments/{late}/votes", Window())).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        await (await CastAsync(voters[1], vote, "for")).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        Assert.Equal(1, await CastCountAsync(vote));
        await using (var scope = factory.Scope(out var db))
        {
            Assert.False(await db.AmendmentVotes.AnyAsync(v => v.AmendmentId == late));
        }

        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await (await steering.PostAsync($"/api/charter/amendment-votes/{vote}/close", null)).ProblemAsync(HttpStatusCode.Conflict, "vote-closed");
        var closed = await (await steering.GetAsync($"/api/charter/amendment-votes/{vote}")).ReadAsync(HttpStatusCode.OK);
        Assert.False(closed.GetProperty("accepted").GetBoolean());
        Assert.Equal("lapsed", closed.GetProperty("outcome").GetString());
        var current = await (await steering.GetAsync($"/api/charter/charters/{charter}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, current.GetProperty("number").GetInt32());
        Assert.Equal("Première", current.GetProperty("articles")[1].GetProperty("text").GetString());
        Assert.Equal(2, await factory.OutboxCountAsync("CharterVersionPublished", charter.ToString()));
    }

    private async Task<(string Status, string? Reason)> AmendmentAsync(Guid id)
    {
        var a = await (await steering.GetAsync($"/api/charter/amendments/{id}")).ReadAsync(HttpStatusCode.OK);
        return (a.GetProperty("status").GetString()!, a.GetProperty("decisionReason").GetString());
    }

    private async Task<(string Status, bool? Accepted, string? Outcome)> VoteAsync(Guid id)
    {
        var v = await (await steering.GetAsync($"/api/charter/amendment-votes/{id}")).ReadAsync(HttpStatusCode.OK);
        return (v.GetProperty("status").GetString()!, v.GetProperty("accepted").ValueKind == JsonValueKind.Null ? null : v.GetProperty("accepted").GetBoolean(),
            v.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Amendments_still_pending_when_their_version_is_superseded_or_made_final_lapse_with_their_open_votes()
    {
        var (charter, articles) = await DraftAsync();
        var article = articles[1].GetProperty("id").GetGuid();
        var accepted = await ProposeAsync(charter, 1, article, "Acceptée");
        var rejected = await ProposeAsync(charter, 1, article, "Rejetée");
        var pending = await ProposeAsync(charter, 1, article, "En attente");
        var voted = await ProposeAsync(charter, 1, article, "Au vote");
        await (await steering.PostAsJsonAsync($"/api/charter/amendments/{rejected}/reject", new { reason = "non" })).ReadAsync(HttpStatusCode.OK);
        var vote = (await (await steering.PostAsJsonAsync($"/api/charter/amendments/{voted}/votes", Window(quorum: 1, majority: 0.5))).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var voters = await VotersAsync(2);
        Assert.Equal(HttpStatusCode.NoContent, (await CastAsync(voters[0], vote, "for")).StatusCode);

        // Accepting one supersedes version 1: the pending and the voted amendments lapse at once, the vote is closed with them.
        await (await steering.PostAsync($"/api/charter/amendments/{accepted}/accept", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(("lapsed", "Version 1 was superseded by version 2 before the amendment was decided."), await AmendmentAsync(pending));
        Assert.Equal("lapsed", (await AmendmentAsync(voted)).Status);
        Assert.Equal(("closed", false, "lapsed"), await VoteAsync(vote));
        Assert.Equal(("accepted", null), await AmendmentAsync(accepted));
        Assert.Equal(("rejected", "non"), await AmendmentAsync(rejected));
        // Nothing can decide them any more: a cast, steering, the author, a new vote.
        await (await CastAsync(voters[1], vote, "for")).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        Assert.Equal(1, await CastCountAsync(vote));
        await (await steering.PostAsync($"/api/charter/amendments/{pending}/accept", null)).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        await (await steering.PostAsJsonAsync($"/api/charter/amendments/{pending}/reject", new { reason = "non" })).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        await (await steering.PostAsJsonAsync($"/api/charter/amendments/{pending}/votes", Window())).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await (await steering.PostAsync($"/api/charter/amendment-votes/{vote}/close", null)).ProblemAsync(HttpStatusCode.Conflict, "vote-closed");

        // Making version 2 final lapses what is pending against it, under vote or not; decided ones keep their status.
        var v2Article = (await (await steering.GetAsync($"/api/charter/charters/{charter}")).ReadAsync(HttpStatusCode.OK)).GetProperty("articles")[1].GetProperty("id").GetGuid();
        var pending2 = await ProposeAsync(charter, 2, v2Article, "En attente 2");
        var voted2 = await ProposeAsync(charter, 2, v2Article, "Au vote 2");
        var rejected2 = await ProposeAsync(charter, 2, v2Article, "Rejetée 2");
        await (await steering.PostAsJsonAsync($"/api/charter/amendments/{rejected2}/reject", new { reason = "non" })).ReadAsync(HttpStatusCode.OK);
        var vote2 = (await (await steering.PostAsJsonAsync($"/api/charter/amendments/{voted2}/votes", Window())).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await (await steering.PostAsync($"/api/charter/charters/{charter}/versions/2/finalize", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(("lapsed", "Version 2 was made final before the amendment was decided."), await AmendmentAsync(pending2));
        Assert.Equal("lapsed", (await AmendmentAsync(voted2)).Status);
        Assert.Equal(("closed", false, "lapsed"), await VoteAsync(vote2));
        Assert.Equal(("rejected", "non"), await AmendmentAsync(rejected2));
        Assert.Equal(("accepted", null), await AmendmentAsync(accepted));
        await (await CastAsync(voters[1], vote2, "for")).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        Assert.Equal(0, await CastCountAsync(vote2));
        Assert.Equal(2, await factory.OutboxCountAsync("CharterVersionPublished", charter.ToString()));
    }

    [Fact]
    public void Abstentions_count_toward_the_quorum_but_not_the_majority()
    {
        (bool, string)[] decisive = [(true, "individual"), (false, "individual")];
        var tally = BallotTally.Count(quorum: 4, majority: 0.5, byCollege: false, decisive, abstentions: 2);
        Assert.True(tally.QuorumReached);
        Assert.Equal(0.5, tally.ConsentShare);
        Assert.True(tally.Adopted);
        Assert.False(BallotTally.Count(quorum: 5, majority: 0.5, byCollege: false, decisive, abstentions: 2).QuorumReached);
        Assert.False(BallotTally.Count(quorum: 1, majority: 0.5, byCollege: false, [], abstentions: 3).Adopted); // no decisive ballot
    }
}
