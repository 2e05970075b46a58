using System.Net;
using System.Text.Json;
using Agora.Charter.Consensus;
using Agora.Charter.Constituencies;
using Agora.Charter.Statements;
using Agora.Charter.Votes;
using Agora.Contracts.Registry;
using Agora.ServiceDefaults;
using Agora.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Charter.Tests.Consensus;

public sealed class AnalysisTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    private readonly HttpClient reader = factory.ClientFor(Guid.NewGuid(), Roles.Participant);

    private async Task<Guid> ConversationAsync()
    {
        var id = Guid.CreateVersion7();
        await using var scope = factory.Scope(out var db);
        db.Conversations.Add(new Conversation { Id = id, Title = "analysis", Source = "agora", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>Waits for the background analysis that includes every vote cast so far.</summary>
    private async Task<JsonElement> AnalysisAsync(Guid conversation, int participants)
    {
        long lastVote;
        await using (var scope = factory.Scope(out var db))
        {
            lastVote = await db.Votes.Where(v => v.ConversationId == conversation).MaxAsync(v => v.Id);
        }
        var analysis = await Eventually.GetAsync(async () =>
        {
            var r = await reader.GetAsync($"/api/charter/conversations/{conversation}/analysis");
            return r.StatusCode == HttpStatusCode.OK ? await r.ReadAsync(HttpStatusCode.OK) : default;
        }, a => a.ValueKind == JsonValueKind.Object && a.GetProperty("lastVoteId").GetInt64() == lastVote, TimeSpan.FromSeconds(60));
        Assert.Equal(participants, analysis.GetProperty("participants").GetInt32());
        return analysis;
    }

    [Fact]
    public async Task Groups_consensus_constituencies_and_the_common_minimum_are_recomputed_in_the_background()
    {
        var conversation = await ConversationAsync();
        var s = await factory.StatementsAsync(conversation, 6);
        var people = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();
        bool Camp(int i) => i % 2 == 0;
        bool Sfax(int i) => i < 4; // two of each camp

        // Consented attributes arrive from the registry: 4 in Sfax, 16 in Tunis.
        var bus = factory.Services.GetRequiredService<IBus>();
        ParticipantProfileChanged Profile(int i) => new(people[i], i % 3 == 0 ? "organization" : "individual", "ar", [],
            new ConstituencyAttributes(Sfax(i) ? "sfax" : "tunis", null, null, null), DateTimeOffset.UtcNow);
        await factory.PublishUntilAsync(Profile(0), Guid.NewGuid(), async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Profiles.AnyAsync(p => p.ParticipantId == people[0]);
        });
        for (var i = 1; i < people.Length; i++)
        {
            await bus.Publish(Profile(i));
        }
        await Eventually.UntilAsync(async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Profiles.CountAsync(p => people.Contains(p.ParticipantId)) == people.Length;
        });

        for (var i = 0; i < people.Length; i++)
        {
            var client = factory.ClientFor(people[i], Roles.Participant);
            var side = Camp(i) ? "agree" : "disagree";
            var other = Camp(i) ? "disagree" : "agree";
            string[] votes = ["agree", side, side, other, other, Sfax(i) ? "disagree" : "agree"];
            for (var k = 0; k < votes.Length; k++)
            {
                await (await client.VoteAsync(s[k], votes[k])).ReadAsync(HttpStatusCode.Created);
            }
        }

        var analysis = await AnalysisAsync(conversation, 20);
        var groups = analysis.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.Equal(10, g.GetProperty("size").GetInt32()));

        // s5 is agreed by 80 % of each opinion group, but not in Sfax: the common minimum leaves it out.
        var s5 = analysis.GetProperty("statementStats").EnumerateArray().Single(x => x.GetProperty("statement").GetGuid() == s[5]);
        Assert.All(s5.GetProperty("byGroup").EnumerateArray(), g => Assert.Equal(8, g.GetProperty("agree").GetInt32()));
        var minimum = await (await reader.GetAsync($"/api/charter/conversations/{conversation}/analysis/common-minimum")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(0.7, minimum.GetProperty("threshold").GetDouble());
        Assert.Equal(3, minimum.GetProperty("minConstituencyVoters").GetInt32());
        Assert.Contains("governorate:sfax", minimum.GetProperty("constituenciesCounted").EnumerateArray().Select(e => e.GetString()));
        var common = minimum.GetProperty("statements").EnumerateArray().ToList();
        var only = Assert.Single(common);
        Assert.Equal(s[0], only.GetProperty("statement").GetGuid());
        Assert.Equal("dignity", only.GetProperty("theme").GetString());
        Assert.Equal(1.0, only.GetProperty("agreeShare").GetDouble());

        var constituencies = await (await reader.GetAsync($"/api/charter/conversations/{conversation}/analysis/constituencies")).ReadAsync(HttpStatusCode.OK);
        var governorate = constituencies.GetProperty("constituencies").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "governorate");
        var sfax = governorate.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "sfax");
        // Counted toward the common minimum (3 voters needed here), but four voters are too few to show.
        Assert.True(sfax.GetProperty("counted").GetBoolean());
        Assert.True(sfax.GetProperty("suppressed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, sfax.GetProperty("voters").ValueKind);

        var consensus = await (await reader.GetAsync($"/api/charter/conversations/{conversation}/analysis/consensus")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(s[0], consensus.GetProperty("groupInformedConsensus")[0].GetProperty("statement").GetGuid());
        var representative = await (await reader.GetAsync($"/api/charter/conversations/{conversation}/analysis/groups")).ReadAsync(HttpStatusCode.OK);
        Assert.All(representative.GetProperty("representative").EnumerateArray(), r => Assert.NotEmpty(r.GetProperty("statements").EnumerateArray()));
        var firmness = await (await reader.GetAsync($"/api/charter/conversations/{conversation}/analysis/firmness")).ReadAsync(HttpStatusCode.OK);
        Assert.True(firmness.GetProperty("firmness").GetProperty("eigenvalues")[0].GetDouble() > 0);
        Assert.Equal(JsonValueKind.False, firmness.GetProperty("firmness").GetProperty("fragile").ValueKind);

        // A new voter arrives: the analysis follows, without anyone asking for it.
        await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).VoteAsync(s[0], "agree")).ReadAsync(HttpStatusCode.Created);
        await AnalysisAsync(conversation, 21);
    }

    [Fact]
    public async Task Constituency_cells_of_fewer_than_five_voters_show_no_counts_and_cannot_be_recovered_by_subtraction()
    {
        var conversation = await ConversationAsync();
        var s = await factory.StatementsAsync(conversation, 3);
        // The only movement, alone from Tataouine; eleven individuals, six from Tunis and five from Sfax.
        var movement = Guid.NewGuid();
        var individuals = Enumerable.Range(0, 11).Select(_ => Guid.NewGuid()).ToArray();
        await using (var scope = factory.Scope(out var db))
        {
            db.Profiles.Add(new ParticipantProfile { ParticipantId = movement, Kind = "movement", Governorate = "tataouine", ChangedAt = DateTimeOffset.UtcNow });
            for (var i = 0; i < individuals.Length; i++)
            {
                db.Profiles.Add(new ParticipantProfile { ParticipantId = individuals[i], Kind = "individual", Governorate = i < 6 ? "tunis" : "sfax", ChangedAt = DateTimeOffset.UtcNow });
            }
            // The movement votes against everyone else on every statement.
            db.Votes.AddRange(s.Select(id => new Vote { ConversationId = conversation, StatementId = id, ParticipantId = movement, Value = -1, CastAt = DateTimeOffset.UtcNow }));
            db.Votes.AddRange(individuals.SelectMany(p => s.Select(id => new Vote { ConversationId = conversation, StatementId = id, ParticipantId = p, Value = 1, CastAt = DateTimeOffset.UtcNow })));
            await db.SaveChangesAsync();
        }

        var full = await AnalysisAsync(conversation, 12);
        var part = await (await reader.GetAsync($"/api/charter/conversations/{conversation}/analysis/constituencies")).ReadAsync(HttpStatusCode.OK);
        foreach (var constituencies in new[] { full.GetProperty("constituencies"), part.GetProperty("constituencies") })
        {
            JsonElement Partition(string name) => constituencies.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
            (bool Suppressed, JsonElement Voters, List<JsonElement> ByCell) Cell(string partition, string cell)
            {
                var p = Partition(partition);
                var cells = p.GetProperty("cells").EnumerateArray().ToList();
                var i = cells.FindIndex(c => c.GetProperty("name").GetString() == cell);
                Assert.True(i >= 0, $"{partition}:{cell} is listed");
                return (cells[i].TryGetProperty("suppressed", out var flag) && flag.GetBoolean(), cells[i].GetProperty("voters"),
                    [.. p.GetProperty("statements").EnumerateArray().Select(st => st.GetProperty("byCell")[i])]);
            }

            // The movement's cells (one voter) say nothing of its votes.
            foreach (var (partition, cell) in new[] { ("kind", "movement"), ("governorate", "tataouine") })
            {
                var (suppressed, voters, byCell) = Cell(partition, cell);
                Assert.True(suppressed, $"{partition}:{cell} is suppressed");
                Assert.Equal(JsonValueKind.Null, voters.ValueKind);
                Assert.All(byCell, c => Assert.Equal(JsonValueKind.Null, c.ValueKind));
            }
            // Nor can they be read as the overall counts minus the other cells: the next smallest cell is hidden with them.
            foreach (var (partition, cell) in new[] { ("kind", "individual"), ("governorate", "sfax") })
            {
                var (suppressed, voters, byCell) = Cell(partition, cell);
                Assert.True(suppressed, $"{partition}:{cell} is suppressed");
                Assert.Equal(JsonValueKind.Null, voters.ValueKind);
                Assert.All(byCell, c => Assert.Equal(JsonValueKind.Null, c.ValueKind));
            }
            // A cell of five or more voters, with another at least as large hidden beside the small one, is shown.
            var tunis = Cell("governorate", "tunis");
            Assert.False(tunis.Suppressed);
            Assert.Equal(6, tunis.Voters.GetInt32());
            Assert.All(tunis.ByCell, c => Assert.Equal(6, c.GetProperty("agree").GetInt32()));
        }
    }

    [Fact]
    public async Task No_analysis_yet_is_a_404_problem()
    {
        var conversation = await ConversationAsync();
        await (await reader.GetAsync($"/api/charter/conversations/{conversation}/analysis/common-minimum")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task An_older_profile_event_does_not_overwrite_a_newer_one()
    {
        var who = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var newer = new ParticipantProfileChanged(who, "movement", "ar", [], new ConstituencyAttributes("gafsa", "female", "25-34", "unemployed"), now);
        var older = newer with { Kind = "individual", Constituency = new ConstituencyAttributes("tunis", null, null, null), ChangedAt = now.AddMinutes(-5) };
        await factory.PublishUntilAsync(newer, Guid.NewGuid(), async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Profiles.AnyAsync(p => p.ParticipantId == who);
        });
        var olderId = Guid.NewGuid();
        await factory.PublishUntilAsync(older, olderId, async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Set<Agora.Messaging.ConsumedMessage>().AnyAsync(m => m.MessageId == olderId);
        });
        await using var s = factory.Scope(out var check);
        var profile = await check.Profiles.SingleAsync(p => p.ParticipantId == who);
        Assert.Equal("movement", profile.Kind);
        Assert.Equal("gafsa", profile.Governorate);
        Assert.Equal("female", profile.Gender);
    }

    [Fact]
    public async Task Two_workers_computing_a_conversations_first_analysis_at_once_both_succeed_and_leave_one_result()
    {
        // Two replicas: two workers, each with the votes it holds.
        using var one = ActivatorUtilities.CreateInstance<AnalysisWorker>(factory.Services);
        using var two = ActivatorUtilities.CreateInstance<AnalysisWorker>(factory.Services);
        for (var round = 0; round < 5; round++)
        {
            var conversation = await ConversationAsync();
            var statements = await factory.StatementsAsync(conversation, 3);
            await using (var scope = factory.Scope(out var db))
            {
                for (var i = 0; i < 8; i++)
                {
                    var p = Guid.NewGuid();
                    db.Votes.AddRange(statements.Select(id => new Vote { ConversationId = conversation, StatementId = id, ParticipantId = p, Value = 1, CastAt = DateTimeOffset.UtcNow }));
                }
                await db.SaveChangesAsync();
            }

            // As two replicas would: neither finds a stored result, both compute and store one.
            await Task.WhenAll(one.RunOnceAsync(CancellationToken.None), two.RunOnceAsync(CancellationToken.None));

            await using var check = factory.Scope(out var after);
            var stored = await after.AnalysisResults.Where(r => r.ConversationId == conversation).ToListAsync();
            var result = Assert.Single(stored);
            Assert.Equal(await after.Votes.Where(v => v.ConversationId == conversation).MaxAsync(v => v.Id), result.LastVoteId);
        }
    }
}
