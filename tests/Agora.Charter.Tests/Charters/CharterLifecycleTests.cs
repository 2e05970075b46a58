using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Charter.Adoption;
using Agora.Charter.Consensus;
using Agora.Charter.Constituencies;
using Agora.Charter.Eligibility;
using Agora.Charter.Plan;
using Agora.Charter.Statements;
using Agora.Charter.Votes;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Charter.Tests.Charters;

public sealed class CharterLifecycleTests(FakeClockCharterFactory factory) : IClassFixture<FakeClockCharterFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    /// <summary>A conversation whose common minimum is two "water" statements and one "dignity" statement (one divisive statement is not).</summary>
    private async Task<(Guid Conversation, Guid[] Statements, Guid Contribution, Guid Workshop)> ArrangeAsync()
    {
        var conversation = Guid.CreateVersion7();
        var contribution = Guid.NewGuid();
        var workshop = Guid.NewGuid();
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = conversation, Title = "charter", Source = "agora", CreatedAt = Now });
            await db.SaveChangesAsync();
        }
        var water = await factory.StatementsAsync(conversation, 2, "water", now: Now);
        var dignity = await factory.StatementsAsync(conversation, 1, "dignity", now: Now.AddSeconds(1));
        var divisive = await factory.StatementsAsync(conversation, 1, "economy", now: Now.AddSeconds(2));
        await using (var scope = factory.Scope(out var db))
        {
            var s = await db.Statements.SingleAsync(x => x.Id == water[0]);
            s.ContributionIds = [contribution];
            s.WorkshopIds = [workshop];
            for (var i = 0; i < 12; i++)
            {
                var p = Guid.NewGuid();
                foreach (var id in water.Concat(dignity))
                {
                    db.Votes.Add(new Vote { ConversationId = conversation, StatementId = id, ParticipantId = p, Value = 1, CastAt = Now });
                }
                db.Votes.Add(new Vote { ConversationId = conversation, StatementId = divisive[0], ParticipantId = p, Value = (short)(i % 2 == 0 ? 1 : -1), CastAt = Now });
            }
            await db.SaveChangesAsync();
        }
        await factory.Services.GetRequiredService<AnalysisWorker>().RunOnceAsync(CancellationToken.None);
        return (conversation, [.. water, .. dignity, .. divisive], contribution, workshop);
    }

    private async Task<JsonElement> DraftAsync(Guid conversation) =>
        await (await steering.PostAsJsonAsync("/api/charter/charters", new { title = "ميثاق الأغورا", conversationId = conversation })).ReadAsync(HttpStatusCode.Created);

    [Fact]
    public async Task The_draft_groups_the_common_minimum_by_theme_and_traces_every_article_to_its_sources()
    {
        var (conversation, s, contribution, workshop) = await ArrangeAsync();
        var draft = await DraftAsync(conversation);
        var charterId = draft.GetProperty("charterId").GetGuid();
        Assert.Equal(1, draft.GetProperty("number").GetInt32());
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        var articles = draft.GetProperty("articles").EnumerateArray().ToList();
        Assert.Equal(["dignity", "water"], articles.Select(a => a.GetProperty("theme").GetString()!).ToArray());
        Assert.Equal(2, articles[1].GetProperty("text").GetString()!.Split('\n').Length);
        Assert.DoesNotContain(s[3], articles.SelectMany(a => a.GetProperty("statementIds").EnumerateArray().Select(e => e.GetGuid())));
        Assert.Equal(1, await factory.OutboxCountAsync("CharterVersionPublished", charterId.ToString()));

        var trace = await (await steering.GetAsync($"/api/charter/charters/{charterId}/articles/{articles[1].GetProperty("id").GetGuid()}/trace")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { s[0], s[1] }.Order(), trace.GetProperty("statements").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).Order().ToArray());
        Assert.Equal([contribution], trace.GetProperty("contributionIds").EnumerateArray().Select(e => e.GetGuid()).ToArray());
        Assert.Equal([workshop], trace.GetProperty("workshopIds").EnumerateArray().Select(e => e.GetGuid()).ToArray());

        // No common minimum, no draft.
        var empty = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = empty, Title = "empty", Source = "agora", CreatedAt = Now });
            await db.SaveChangesAsync();
        }
        await (await steering.PostAsJsonAsync("/api/charter/charters", new { title = "x", conversationId = empty })).ProblemAsync(HttpStatusCode.Conflict, "no-common-minimum");
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync("/api/charter/charters", new { title = "x" })).StatusCode);
    }

    [Fact]
    public async Task Amendments_show_a_diff_produce_versions_and_cannot_target_a_superseded_version()
    {
        var (conversation, _, _, _) = await ArrangeAsync();
        var draft = await DraftAsync(conversation);
        var charterId = draft.GetProperty("charterId").GetGuid();
        var water = draft.GetProperty("articles")[1];
        var lines = water.GetProperty("text").GetString()!.Split('\n');
        var author = Guid.NewGuid();
        var alice = factory.ClientFor(author, Roles.Participant);
        var bob = factory.ClientFor(Guid.NewGuid(), Roles.Participant);

        var newText = $"{lines[0]}\nL'eau est un bien commun inaliénable.";
        var amendment = await (await alice.PostAsJsonAsync($"/api/charter/charters/{charterId}/versions/1/amendments",
            new { articleId = water.GetProperty("id").GetGuid(), text = newText, rationale = "plus précis" })).ReadAsync(HttpStatusCode.Created);
        var amendmentId = amendment.GetProperty("id").GetGuid();
        Assert.Equal(["  " + lines[0], "- " + lines[1], "+ L'eau est un bien commun inaliénable."],
            amendment.GetProperty("diff").EnumerateArray().Select(e => e.GetString()!).ToArray());

        // Only the author changes their amendment.
        await (await bob.PutAsJsonAsync($"/api/charter/amendments/{amendmentId}", new { text = "vandalisme" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await alice.PutAsJsonAsync($"/api/charter/amendments/{amendmentId}", new { text = newText + "\nSans exception." })).ReadAsync(HttpStatusCode.OK);
        var competing = await (await bob.PostAsJsonAsync($"/api/charter/charters/{charterId}/versions/1/amendments",
            new { articleId = water.GetProperty("id").GetGuid(), text = "autre chose" })).ReadAsync(HttpStatusCode.Created);
        await (await bob.PostAsJsonAsync($"/api/charter/charters/{charterId}/versions/1/amendments",
            new { articleId = Guid.NewGuid(), text = "x" })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PostAsync($"/api/charter/amendments/{amendmentId}/accept", null)).StatusCode);

        var accepted = await (await steering.PostAsync($"/api/charter/amendments/{amendmentId}/accept", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, accepted.GetProperty("resultingVersion").GetInt32());
        var current = await (await bob.GetAsync($"/api/charter/charters/{charterId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, current.GetProperty("number").GetInt32());
        Assert.EndsWith("Sans exception.", current.GetProperty("articles")[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(water.GetProperty("lineageId").GetGuid(), current.GetProperty("articles")[1].GetProperty("lineageId").GetGuid());
        var v1 = await (await bob.GetAsync($"/api/charter/charters/{charterId}/versions/1")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("superseded", v1.GetProperty("status").GetString());
        Assert.Equal(2, await factory.OutboxCountAsync("CharterVersionPublished", charterId.ToString()));

        await (await bob.PostAsJsonAsync($"/api/charter/charters/{charterId}/versions/1/amendments",
            new { articleId = water.GetProperty("id").GetGuid(), text = "trop tard" })).ProblemAsync(HttpStatusCode.Conflict, "version-superseded");
        // The competing amendment lapsed with version 1: it is decided neither way.
        await (await steering.PostAsync($"/api/charter/amendments/{competing.GetProperty("id").GetGuid()}/accept", null)).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        await (await steering.PostAsJsonAsync($"/api/charter/amendments/{competing.GetProperty("id").GetGuid()}/reject", new { reason = "dépassé" })).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        var lapsed = await (await bob.GetAsync($"/api/charter/amendments/{competing.GetProperty("id").GetGuid()}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("lapsed", lapsed.GetProperty("status").GetString());

        // A final version takes no more amendments and cannot be made final twice.
        await (await steering.PostAsync($"/api/charter/charters/{charterId}/versions/2/finalize", null)).ReadAsync(HttpStatusCode.OK);
        await (await steering.PostAsync($"/api/charter/charters/{charterId}/versions/2/finalize", null)).ProblemAsync(HttpStatusCode.Conflict, "version-not-draft");
        await (await alice.PostAsJsonAsync($"/api/charter/charters/{charterId}/versions/2/amendments",
            new { articleId = current.GetProperty("articles")[1].GetProperty("id").GetGuid(), text = "x" })).ProblemAsync(HttpStatusCode.Conflict, "version-closed");
    }

    [Fact]
    public async Task An_amendment_against_a_superseded_or_final_version_can_no_longer_be_revised()
    {
        var (conversation, _, _, _) = await ArrangeAsync();
        var draft = await DraftAsync(conversation);
        var charterId = draft.GetProperty("charterId").GetGuid();
        var water = draft.GetProperty("articles")[1].GetProperty("id").GetGuid();
        var alice = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        var bob = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        async Task<Guid> ProposeAsync(HttpClient author, int version, Guid article, string text) =>
            (await (await author.PostAsJsonAsync($"/api/charter/charters/{charterId}/versions/{version}/amendments", new { articleId = article, text }))
                .ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var accepted = await ProposeAsync(alice, 1, water, "L'eau est un bien commun.");
        var overtaken = await ProposeAsync(bob, 1, water, "L'eau est un droit.");
        await (await steering.PostAsync($"/api/charter/amendments/{accepted}/accept", null)).ReadAsync(HttpStatusCode.OK);

        // Bob's amendment is against version 1, which is superseded: its text no longer changes (it could never be accepted).
        await (await bob.PutAsJsonAsync($"/api/charter/amendments/{overtaken}", new { text = "L'eau est un droit humain." }))
            .ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        var kept = await (await bob.GetAsync($"/api/charter/amendments/{overtaken}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("L'eau est un droit.", kept.GetProperty("proposedText").GetString());

        // Against the current draft a revision is fine, until the draft is made final.
        var current = await (await bob.GetAsync($"/api/charter/charters/{charterId}")).ReadAsync(HttpStatusCode.OK);
        var late = await ProposeAsync(bob, 2, current.GetProperty("articles")[1].GetProperty("id").GetGuid(), "L'eau potable pour tous.");
        await (await bob.PutAsJsonAsync($"/api/charter/amendments/{late}", new { text = "L'eau potable pour toutes et tous." })).ReadAsync(HttpStatusCode.OK);
        await (await steering.PostAsync($"/api/charter/charters/{charterId}/versions/2/finalize", null)).ReadAsync(HttpStatusCode.OK);
        await (await bob.PutAsJsonAsync($"/api/charter/amendments/{late}", new { text = "Autre chose." }))
            .ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        kept = await (await bob.GetAsync($"/api/charter/amendments/{late}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("L'eau potable pour toutes et tous.", kept.GetProperty("proposedText").GetString());
    }

    [Fact]
    public async Task A_ballot_or_an_amendment_vote_whose_window_has_already_ended_is_a_400_and_nothing_is_opened()
    {
        var (conversation, _, _, _) = await ArrangeAsync();
        var draft = await DraftAsync(conversation);
        var charterId = draft.GetProperty("charterId").GetGuid();
        var amendment = await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/charter/charters/{charterId}/versions/1/amendments",
            new { articleId = draft.GetProperty("articles")[0].GetProperty("id").GetGuid(), text = "La dignité d'abord." })).ReadAsync(HttpStatusCode.Created);
        // A window typed with last year's date: it is over before anyone could vote.
        var over = new { opensAt = Now.AddDays(-2), closesAt = Now.AddDays(-1), quorum = 1, majority = 0.5 };

        var problem = await (await steering.PostAsJsonAsync($"/api/charter/amendments/{amendment.GetProperty("id").GetGuid()}/votes", over))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("closesAt", out _), problem.ToString());
        await (await steering.PostAsync($"/api/charter/charters/{charterId}/versions/1/finalize", null)).ReadAsync(HttpStatusCode.OK);
        problem = await (await steering.PostAsJsonAsync($"/api/charter/charters/{charterId}/versions/1/ballots", over))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("closesAt", out _), problem.ToString());

        await using (var scope = factory.Scope(out var db))
        {
            Assert.False(await db.Ballots.AnyAsync(b => b.CharterId == charterId));
            Assert.False(await db.AmendmentVotes.AnyAsync(v => v.CharterId == charterId));
        }
        // A window that opened earlier and is still running is fine.
        await (await steering.PostAsJsonAsync($"/api/charter/charters/{charterId}/versions/1/ballots",
            new { opensAt = Now.AddDays(-1), closesAt = Now.AddDays(1), quorum = 1, majority = 0.5 })).ReadAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_ballot_adopts_the_final_version_per_college_and_the_plan_is_carried_by_coordination_groups()
    {
        var (conversation, _, _, _) = await ArrangeAsync();
        var charterId = (await DraftAsync(conversation)).GetProperty("charterId").GetGuid();
        var ballotUrl = $"/api/charter/charters/{charterId}/versions/1/ballots";
        object Window() => new { opensAt = Now.AddSeconds(30), closesAt = Now.AddMinutes(3), quorum = 4, majority = 0.6, byCollege = true };
        await (await steering.PostAsJsonAsync(ballotUrl, Window())).ProblemAsync(HttpStatusCode.Conflict, "version-not-final");
        await (await steering.PostAsync($"/api/charter/charters/{charterId}/versions/1/finalize", null)).ReadAsync(HttpStatusCode.OK);
        await (await steering.PostAsJsonAsync(ballotUrl, new { closesAt = Now.AddMinutes(-1), quorum = 0, majority = 1.5 })).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        var ballot = await (await steering.PostAsJsonAsync(ballotUrl, Window())).ReadAsync(HttpStatusCode.Created);
        var ballotId = ballot.GetProperty("id").GetGuid();
        await (await steering.PostAsJsonAsync(ballotUrl, Window())).ProblemAsync(HttpStatusCode.Conflict, "ballot-already-open");
        Assert.Equal(1, await factory.OutboxCountAsync("BallotOpened", ballotId.ToString()));

        // Two organizations and three individuals vote; five more participants abstain.
        var voters = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();
        await using (var scope = factory.Scope(out var db))
        {
            for (var i = 0; i < voters.Length; i++)
            {
                db.Profiles.Add(new ParticipantProfile { ParticipantId = voters[i], Kind = i < 2 ? "organization" : "individual", ChangedAt = Now });
            }
            await db.SaveChangesAsync();
        }
        var casts = $"/api/charter/ballots/{ballotId}/casts";
        await (await factory.ClientFor(voters[0], Roles.Participant).PostAsJsonAsync(casts, new { choice = "consent" })).ProblemAsync(HttpStatusCode.Conflict, "ballot-not-open");
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        string[] choices = ["consent", "consent", "consent", "consent", "objection"];
        for (var i = 0; i < choices.Length; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await factory.ClientFor(voters[i], Roles.Participant).PostAsJsonAsync(casts, new { choice = choices[i] })).StatusCode);
        }
        await (await factory.ClientFor(voters[0], Roles.Participant).PostAsJsonAsync(casts, new { choice = "objection" })).ProblemAsync(HttpStatusCode.Conflict, "ballot-already-cast");
        await (await factory.ClientFor(voters[6], Roles.Participant).PostAsJsonAsync(casts, new { choice = "abstain" })).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        // One the registry does not report approved (the real check: Eligibility/RegistryEligibilityTests) is refused and not counted.
        factory.Eligibility.Set(voters[5], EligibilityAnswer.NotEligible);
        await (await factory.ClientFor(voters[5], Roles.Participant).PostAsJsonAsync(casts, new { choice = "consent" })).ProblemAsync(HttpStatusCode.Forbidden, "not-eligible");
        await (await steering.PostAsync($"/api/charter/ballots/{ballotId}/close", null)).ProblemAsync(HttpStatusCode.Conflict, "ballot-window-open");

        factory.Clock.Advance(TimeSpan.FromMinutes(3));
        await (await factory.ClientFor(voters[6], Roles.Participant).PostAsJsonAsync(casts, new { choice = "consent" })).ProblemAsync(HttpStatusCode.Conflict, "ballot-not-open");
        var closed = await (await steering.PostAsync($"/api/charter/ballots/{ballotId}/close", null)).ReadAsync(HttpStatusCode.OK);
        var result = closed.GetProperty("result");
        Assert.True(result.GetProperty("adopted").GetBoolean());
        Assert.Equal(5, result.GetProperty("cast").GetInt32());
        Assert.Equal(0.5, closed.GetProperty("turnout").GetDouble());
        var colleges = result.GetProperty("colleges").EnumerateArray().ToDictionary(c => c.GetProperty("college").GetString()!);
        Assert.Equal(2, colleges["collective"].GetProperty("consents").GetInt32());
        Assert.Equal(2, colleges["individual"].GetProperty("consents").GetInt32());
        Assert.Equal(1, colleges["individual"].GetProperty("objections").GetInt32());
        Assert.Equal(1, await factory.OutboxCountAsync("BallotClosed", ballotId.ToString()));
        Assert.Equal(1, await factory.OutboxCountAsync("CharterAdopted", ballotId.ToString()));
        var adopted = await (await steering.GetAsync($"/api/charter/charters/{charterId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("adopted", adopted.GetProperty("status").GetString());

        // The plan: one action per adopted article, then a coordination group takes one on.
        var accountability = await (await steering.GetAsync($"/api/charter/charters/{charterId}/accountability")).ReadAsync(HttpStatusCode.OK);
        var articles = accountability.GetProperty("articles").EnumerateArray().ToList();
        Assert.Equal(2, articles.Count);
        Assert.All(articles, a => Assert.Equal(1, a.GetProperty("actions").GetInt32()));
        var waterArticle = articles[1].GetProperty("articleId").GetGuid();

        var member = voters[2];
        var group = await (await steering.PostAsJsonAsync("/api/charter/coordination/groups",
            new { name = "تنسيقية الماء", theme = "water", mandate = "Suivre le droit à l'eau", members = new[] { member, voters[3] } })).ReadAsync(HttpStatusCode.Created);
        var action = await (await steering.PostAsJsonAsync($"/api/charter/charters/{charterId}/articles/{waterArticle}/actions",
            new { title = "Cartographier les coupures d'eau", ownerGroupId = group.GetProperty("id").GetGuid(), deadline = Now.AddDays(2) })).ReadAsync(HttpStatusCode.Created);
        var actionId = action.GetProperty("id").GetGuid();
        await (await steering.PostAsJsonAsync($"/api/charter/charters/{charterId}/articles/{Guid.NewGuid()}/actions", new { title = "x" })).ProblemAsync(HttpStatusCode.NotFound, "not-found");

        var memberClient = factory.ClientFor(member, Roles.Participant);
        var outsider = factory.ClientFor(voters[7], Roles.Participant);
        await (await outsider.PatchAsJsonAsync($"/api/charter/actions/{actionId}", new { progress = 90 })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await memberClient.PatchAsJsonAsync($"/api/charter/actions/{actionId}", new { progress = 150, status = "finished" })).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await memberClient.PatchAsJsonAsync($"/api/charter/actions/{actionId}", new { ownerParticipantId = member })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var updated = await (await memberClient.PatchAsJsonAsync($"/api/charter/actions/{actionId}", new { progress = 40, status = "in-progress" })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("in-progress", updated.GetProperty("status").GetString());
        var withMilestone = await (await memberClient.PostAsJsonAsync($"/api/charter/actions/{actionId}/milestones", new { title = "Enquête à Gafsa", due = Now.AddDays(1) })).ReadAsync(HttpStatusCode.OK);
        var milestone = withMilestone.GetProperty("milestones")[0].GetProperty("id").GetGuid();
        var done = await (await memberClient.PostAsync($"/api/charter/actions/{actionId}/milestones/{milestone}/done", null)).ReadAsync(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("milestones")[0].GetProperty("doneAt").ValueKind);

        accountability = await (await outsider.GetAsync($"/api/charter/charters/{charterId}/accountability")).ReadAsync(HttpStatusCode.OK);
        var water = accountability.GetProperty("articles")[1];
        Assert.Equal(2, water.GetProperty("actions").GetInt32());
        Assert.Equal(20.0, water.GetProperty("progress").GetDouble());

        // The deadline check reminds the group's members once.
        var watcher = factory.Services.GetRequiredService<DeadlineWatcher>();
        Assert.Equal(1, await watcher.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await watcher.RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, await factory.OutboxCountAsync("ActionDeadlineApproaching", actionId.ToString()));
        Assert.Equal(1, await factory.OutboxCountAsync("ActionDeadlineApproaching", member.ToString()));
    }

    [Fact]
    public void Per_college_counting_needs_the_majority_in_every_college_and_the_quorum()
    {
        var ballot = new Ballot { Quorum = 5, Majority = 0.6, ByCollege = true };
        (bool, string)[] casts = [(true, "collective"), (true, "collective"), (true, "collective"), (false, "individual"), (false, "individual"), (true, "individual")];
        var tally = BallotTally.Of(ballot, casts);
        Assert.True(tally.QuorumReached);
        Assert.Equal(4.0 / 6, tally.ConsentShare, 12);
        Assert.False(tally.Adopted); // individuals: 1 of 3
        var plain = new Ballot { Quorum = 5, Majority = 0.6, ByCollege = false };
        Assert.True(BallotTally.Of(plain, casts).Adopted);
        var highQuorum = new Ballot { Quorum = 7, Majority = 0.6, ByCollege = false };
        Assert.False(BallotTally.Of(highQuorum, casts).Adopted);
    }
}
