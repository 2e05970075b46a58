using System.Net;
using Agora.Charter.Statements;
using Agora.Charter.Votes;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Votes;

public sealed class VoteTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    [Fact]
    public async Task The_last_vote_counts_and_the_history_is_kept()
    {
        var id = (await factory.StatementsAsync(Conversation.MainId, 1))[0];
        var me = Guid.NewGuid();
        var client = factory.ClientFor(me, Roles.Participant);
        var first = await (await client.VoteAsync(id, "agree")).ReadAsync(HttpStatusCode.Created);
        Assert.Equal("agree", first.GetProperty("value").GetString());
        await (await client.VoteAsync(id, "disagree")).ReadAsync(HttpStatusCode.Created);

        var history = await (await client.GetAsync($"/api/charter/statements/{id}/votes/mine")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["agree", "disagree"], history.EnumerateArray().Select(v => v.GetProperty("value").GetString()!).ToArray());
        // Someone else's history does not include mine.
        var other = await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).GetAsync($"/api/charter/statements/{id}/votes/mine")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(other.EnumerateArray());

        // The background analysis counts only the last vote (waiting for one that has seen it: an analysis run
        // between the two votes shows the first).
        var stats = await Agora.Testing.Eventually.GetAsync(async () =>
        {
            var r = await client.GetAsync($"/api/charter/conversations/{Conversation.MainId}/analysis");
            if (r.StatusCode != HttpStatusCode.OK)
            {
                return default;
            }
            var a = await r.ReadAsync(HttpStatusCode.OK);
            return a.GetProperty("statementStats").EnumerateArray().FirstOrDefault(s => s.GetProperty("statement").GetGuid() == id);
        }, s => s.ValueKind == System.Text.Json.JsonValueKind.Object && s.GetProperty("overall").GetProperty("seen").GetInt32() == 1
            && s.GetProperty("overall").GetProperty("disagree").GetInt32() == 1);
        Assert.Equal(0, stats.GetProperty("overall").GetProperty("agree").GetInt32());
        Assert.Equal(1, stats.GetProperty("overall").GetProperty("disagree").GetInt32());
    }

    [Fact]
    public async Task Bad_votes_are_refused_and_nothing_is_written()
    {
        var open = (await factory.StatementsAsync(Conversation.MainId, 1))[0];
        var rejected = (await factory.StatementsAsync(Conversation.MainId, 1, status: StatementStatus.Rejected))[0];
        var merged = (await factory.StatementsAsync(Conversation.MainId, 1, status: StatementStatus.Merged))[0];
        var pending = (await factory.StatementsAsync(Conversation.MainId, 1, status: StatementStatus.Pending))[0];
        var me = Guid.NewGuid();
        var client = factory.ClientFor(me, Roles.Participant);

        foreach (var value in new[] { "yes", "AGREE", "", "1" })
        {
            await (await client.VoteAsync(open, value)).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        }
        var numeric = await client.PostAsync($"/api/charter/statements/{open}/votes",
            new StringContent("{\"value\": 1}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, numeric.StatusCode);
        await (await client.VoteAsync(Guid.NewGuid(), "agree")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        foreach (var closed in new[] { rejected, merged, pending })
        {
            await (await client.VoteAsync(closed, "agree")).ProblemAsync(HttpStatusCode.Conflict, "statement-not-open");
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().VoteAsync(open, "agree")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(Guid.NewGuid(), Roles.Partner).VoteAsync(open, "agree")).StatusCode);

        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Votes.AnyAsync(v => v.ParticipantId == me));
    }

    [Fact]
    public async Task Concurrent_votes_share_commits_each_answer_matches_what_is_stored_and_closed_statements_in_the_same_batch_store_nothing()
    {
        var conversation = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = conversation, Title = "burst", Source = "agora", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var open = await factory.StatementsAsync(conversation, 5);
        var rejected = (await factory.StatementsAsync(conversation, 1, status: StatementStatus.Rejected))[0];
        var unknown = Guid.NewGuid();
        var voters = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToArray();
        // 60 participants at once, each voting on every open statement, one closed and one unknown statement.
        var results = await Task.WhenAll(voters.Select(async (p, i) =>
        {
            var client = factory.ClientFor(p, Roles.Participant);
            var codes = new List<(Guid Statement, HttpStatusCode Code)>();
            foreach (var id in open.Append(rejected).Append(unknown).OrderBy(_ => Random.Shared.Next()))
            {
                var response = await client.VoteAsync(id, (i % 3) switch { 0 => "agree", 1 => "disagree", _ => "pass" });
                codes.Add((id, response.StatusCode));
            }
            return codes;
        }));
        var all = results.SelectMany(r => r).ToList();
        Assert.All(all.Where(r => open.Contains(r.Statement)), r => Assert.Equal(HttpStatusCode.Created, r.Code));
        Assert.All(all.Where(r => r.Statement == rejected), r => Assert.Equal(HttpStatusCode.Conflict, r.Code));
        Assert.All(all.Where(r => r.Statement == unknown), r => Assert.Equal(HttpStatusCode.NotFound, r.Code));

        await using (var scope = factory.Scope(out var db))
        {
            var stored = await db.Votes.AsNoTracking().Where(v => v.ConversationId == conversation).ToListAsync();
            Assert.Equal(voters.Length * open.Length, stored.Count);
            Assert.Equal(voters.Length * open.Length, stored.Select(v => (v.ParticipantId, v.StatementId)).Distinct().Count());
            Assert.False(await db.Votes.AnyAsync(v => v.StatementId == rejected || v.StatementId == unknown));
            // Each stored vote carries its statement's conversation and the value sent.
            var byVoter = voters.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => (short)((x.i % 3) switch { 0 => 1, 1 => -1, _ => 0 }));
            Assert.All(stored, v => Assert.Equal(byVoter[v.ParticipantId], v.Value));
        }
    }

    [Fact]
    public async Task Next_statement_is_an_open_one_the_participant_has_not_voted_on_then_none()
    {
        var conversation = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = conversation, Title = "next", Source = "agora", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var open = await factory.StatementsAsync(conversation, 3);
        await factory.StatementsAsync(conversation, 2, status: StatementStatus.Rejected);
        await factory.StatementsAsync(conversation, 1, status: StatementStatus.Pending);
        var client = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        var shown = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var next = await (await client.GetAsync($"/api/charter/conversations/{conversation}/next")).ReadAsync(HttpStatusCode.OK);
            var id = next.GetProperty("id").GetGuid();
            Assert.Contains(id, open);
            Assert.DoesNotContain(id, shown);
            shown.Add(id);
            await (await client.VoteAsync(id, "pass")).ReadAsync(HttpStatusCode.Created);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync($"/api/charter/conversations/{conversation}/next")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/charter/conversations/{Guid.NewGuid()}/next")).StatusCode);
    }

    [Fact]
    public async Task Next_statement_never_offers_a_participant_their_own_statement()
    {
        var conversation = Guid.CreateVersion7();
        var author = Guid.NewGuid();
        Guid mine;
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = conversation, Title = "own", Source = "agora", CreatedAt = DateTimeOffset.UtcNow });
            var own = Statement.Create(conversation, "dignity", "fr", $"Mon énoncé {Guid.NewGuid():N}", author, DateTimeOffset.UtcNow);
            own.Status = StatementStatus.Accepted;
            db.Statements.Add(own);
            mine = own.Id;
            await db.SaveChangesAsync();
        }
        var others = await factory.StatementsAsync(conversation, 2);
        var client = factory.ClientFor(author, Roles.Participant);
        for (var i = 0; i < others.Length; i++)
        {
            var next = await (await client.GetAsync($"/api/charter/conversations/{conversation}/next")).ReadAsync(HttpStatusCode.OK);
            var id = next.GetProperty("id").GetGuid();
            Assert.Contains(id, others);
            await (await client.VoteAsync(id, "pass")).ReadAsync(HttpStatusCode.Created);
        }
        // Only their own statement is left unvoted: nothing to offer.
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync($"/api/charter/conversations/{conversation}/next")).StatusCode);

        // Someone else is offered it.
        var reader = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        var offered = new HashSet<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await (await reader.GetAsync($"/api/charter/conversations/{conversation}/next")).ReadAsync(HttpStatusCode.OK)).GetProperty("id").GetGuid();
            offered.Add(id);
            await (await reader.VoteAsync(id, "pass")).ReadAsync(HttpStatusCode.Created);
        }
        Assert.Contains(mine, offered);
    }

    [Fact]
    public void Priority_follows_polis_importance_and_lets_new_statements_bubble_up()
    {
        // Pol.is's own sample values (conversation.clj comment block): importance(1, 0, 1, 0) = (1 − 1/3) · 1 · 2/3.
        Assert.Equal(4.0 / 9, StatementPriority.Importance(1, 0, 1, 0), 12);
        var expected = Math.Pow(4.0 / 9 * (1 + (8 * Math.Pow(2, -0.2))), 2);
        Assert.Equal(expected, StatementPriority.Priority(1, 0, 1, 0), 12);
        // Unseen statements come first; much-passed ones sink; extremity raises priority.
        Assert.True(StatementPriority.Priority(0, 0, 0, 0) > StatementPriority.Priority(20, 0, 40, 0));
        Assert.True(StatementPriority.Priority(5, 30, 40, 0) < StatementPriority.Priority(30, 5, 40, 0));
        Assert.True(StatementPriority.Priority(20, 3, 40, 1) > StatementPriority.Priority(20, 3, 40, 0));
    }

    [Fact]
    public void Weighted_pick_draws_in_proportion_to_priority()
    {
        var random = new Random(7);
        var heavy = "heavy";
        var light = "light";
        var picks = Enumerable.Range(0, 4000).Select(_ => StatementPriority.Pick([(heavy, 9.0), (light, 1.0)], random)).ToList();
        var share = picks.Count(p => ReferenceEquals(p, heavy)) / 4000.0;
        Assert.InRange(share, 0.87, 0.93);
        Assert.Null(StatementPriority.Pick(Array.Empty<(string, double)>(), random));
    }
}
