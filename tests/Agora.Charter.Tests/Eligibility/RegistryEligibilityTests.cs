using System.Net;
using System.Net.Http.Json;
using Agora.Charter.Adoption;
using Agora.Charter.Charters;
using Agora.Charter.Constituencies;
using Agora.Charter.Statements;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Eligibility;

/// <summary>The charter with its production eligibility path: the gRPC client configured by <c>Charter:RegistryGrpc</c>, a stand-in registry behind it.</summary>
public sealed class RegistryCharterFactory : CharterFactory
{
    public FakeParticipantsRegistry Registry { get; } = new();

    protected override bool AsksTheRegistry => true;

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [.. base.Settings, new(CharterModule.RegistryGrpcKey, $"http://127.0.0.1:{Registry.Port}")];

    public override async Task InitializeAsync()
    {
        await Registry.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Registry.DisposeAsync();
    }
}

/// <summary>
/// Who decides on the charter: only participants the registry reports approved ("active") and adhered to the current
/// founding call cast a ballot or vote on an amendment — not those pending vetting, rejected or unknown to it.
/// </summary>
public sealed class RegistryEligibilityTests(RegistryCharterFactory factory) : IClassFixture<RegistryCharterFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private sealed record Voters(Guid Current, Guid Pending, Guid Rejected, Guid Unknown, Guid Outdated, Guid RegistryDown);

    /// <summary>One voter of each standing the registry can report, all of them adhered to a version of the founding call.</summary>
    private Voters ArrangeVoters()
    {
        var v = new Voters(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var registry = factory.Registry;
        (registry.Statuses[v.Current], registry.FoundingCall[v.Current]) = ("active", (2, 2));
        (registry.Statuses[v.Pending], registry.FoundingCall[v.Pending]) = ("pending", (2, 2));   // vetting not done yet
        (registry.Statuses[v.Rejected], registry.FoundingCall[v.Rejected]) = ("rejected", (2, 2)); // an organization refused at vetting
        (registry.Statuses[v.Outdated], registry.FoundingCall[v.Outdated]) = ("active", (1, 2));   // a new founding call since
        registry.Statuses[v.RegistryDown] = "crash";                                               // the registry answers Unavailable
        return v;
    }

    /// <summary>Every voter but <see cref="Voters.Current"/> is refused with the right problem.</summary>
    private async Task AssertOnlyTheCurrentVoterIsAcceptedAsync(Voters voters, Func<Guid, Task<HttpResponseMessage>> cast, string alreadyCast)
    {
        await (await cast(voters.Pending)).ProblemAsync(HttpStatusCode.Forbidden, "not-eligible");
        await (await cast(voters.Rejected)).ProblemAsync(HttpStatusCode.Forbidden, "not-eligible");
        await (await cast(voters.Unknown)).ProblemAsync(HttpStatusCode.Forbidden, "not-eligible");
        var outdated = await (await cast(voters.Outdated)).ProblemAsync(HttpStatusCode.Forbidden, "founding-call-adherence-outdated");
        Assert.Contains("POST /api/registry/me/adherence", outdated.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await cast(voters.RegistryDown)).ProblemAsync(HttpStatusCode.ServiceUnavailable, "registry-unavailable");
        await (await cast(voters.Current)).ReadAsync(HttpStatusCode.NoContent);
        foreach (var asked in new[] { voters.Current, voters.Pending, voters.Rejected, voters.Unknown, voters.Outdated })
        {
            Assert.Equal(1, factory.Registry.Calls[asked]);
        }
        // A new founding call is published after the vote: casting again is "already cast" (the vote stands), not
        // "adhere and vote again", and the registry is not asked.
        factory.Registry.FoundingCall[voters.Current] = (2, 3);
        await (await cast(voters.Current)).ProblemAsync(HttpStatusCode.Conflict, alreadyCast);
        Assert.Equal(1, factory.Registry.Calls[voters.Current]);
    }

    [Fact]
    public async Task Only_approved_participants_adhered_to_the_current_founding_call_cast_a_ballot_on_the_charter_and_only_theirs_counts()
    {
        var (charter, _) = await factory.CharterAsync(VersionStatus.Final);
        var ballot = (await (await steering.PostAsJsonAsync($"/api/charter/charters/{charter}/versions/1/ballots",
            new { closesAt = DateTimeOffset.UtcNow.AddHours(1), quorum = 1, majority = 0.5 })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var voters = ArrangeVoters();

        await AssertOnlyTheCurrentVoterIsAcceptedAsync(voters, voter =>
            factory.ClientFor(voter, Roles.Participant).PostAsJsonAsync($"/api/charter/ballots/{ballot}/casts", new { choice = "consent" }), "ballot-already-cast");

        await using (var scope = factory.Scope(out var db))
        {
            Assert.Equal([voters.Current], await db.BallotCasts.Where(c => c.BallotId == ballot).Select(c => c.ParticipantId).ToListAsync());
            await EndWindowAsync(db.Ballots.Where(b => b.Id == ballot).ExecuteUpdateAsync(s => s
                .SetProperty(b => b.OpensAt, DateTimeOffset.UtcNow.AddHours(-2)).SetProperty(b => b.ClosesAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        }
        var result = (await (await steering.PostAsync($"/api/charter/ballots/{ballot}/close", null)).ReadAsync(HttpStatusCode.OK)).GetProperty("result");
        Assert.Equal(1, result.GetProperty("cast").GetInt32());
        Assert.Equal(1, result.GetProperty("consents").GetInt32());
        Assert.True(result.GetProperty("adopted").GetBoolean());
    }

    [Fact]
    public async Task Only_approved_participants_adhered_to_the_current_founding_call_vote_on_an_amendment_and_only_theirs_counts()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var amendment = (await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/charter/charters/{charter}/versions/1/amendments",
            new { articleId = articles[0].Id, text = "L'eau est un bien commun.", rationale = "clarté" })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var vote = (await (await steering.PostAsJsonAsync($"/api/charter/amendments/{amendment}/votes",
            new { closesAt = DateTimeOffset.UtcNow.AddHours(1), quorum = 1, majority = 0.5 })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var voters = ArrangeVoters();

        await AssertOnlyTheCurrentVoterIsAcceptedAsync(voters, voter =>
            factory.ClientFor(voter, Roles.Participant).PostAsJsonAsync($"/api/charter/amendment-votes/{vote}/casts", new { choice = "for" }), "vote-already-cast");

        await using (var scope = factory.Scope(out var db))
        {
            Assert.Equal([voters.Current], await db.AmendmentVoteCasts.Where(c => c.VoteId == vote).Select(c => c.ParticipantId).ToListAsync());
            await EndWindowAsync(db.AmendmentVotes.Where(v => v.Id == vote).ExecuteUpdateAsync(s => s
                .SetProperty(v => v.OpensAt, DateTimeOffset.UtcNow.AddHours(-2)).SetProperty(v => v.ClosesAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        }
        var closed = await (await steering.PostAsync($"/api/charter/amendment-votes/{vote}/close", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("accepted", closed.GetProperty("outcome").GetString());
        Assert.Equal(1, closed.GetProperty("result").GetProperty("consents").GetInt32());
    }

    [Fact]
    public async Task A_statement_vote_stays_open_to_every_signed_in_participant_and_never_asks_the_registry()
    {
        var statement = (await factory.StatementsAsync(Conversation.MainId, 1))[0];
        var pending = Guid.NewGuid();
        factory.Registry.Statuses[pending] = "pending";

        Assert.Equal(HttpStatusCode.Created, (await factory.ClientFor(pending, Roles.Participant).VoteAsync(statement, "agree")).StatusCode);

        Assert.False(factory.Registry.Calls.ContainsKey(pending));
    }

    /// <summary>
    /// A ballot on a final version whose window has ended, with <paramref name="casts"/> consents stored and
    /// <paramref name="profiles"/> more participant profiles (registered participants, most of them never eligible).
    /// </summary>
    private async Task<Guid> EndedBallotAsync(int casts, int profiles)
    {
        var (charter, _) = await factory.CharterAsync(VersionStatus.Final);
        var ballot = (await (await steering.PostAsJsonAsync($"/api/charter/charters/{charter}/versions/1/ballots",
            new { closesAt = DateTimeOffset.UtcNow.AddHours(1), quorum = 1, majority = 0.5 })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await using var scope = factory.Scope(out var db);
        var now = DateTimeOffset.UtcNow;
        db.BallotCasts.AddRange(Enumerable.Range(0, casts).Select(_ => new BallotCast
        {
            Id = Guid.CreateVersion7(), BallotId = ballot, ParticipantId = Guid.NewGuid(), Consent = true, College = "individual", CastAt = now,
        }));
        db.Profiles.AddRange(Enumerable.Range(0, profiles).Select(_ => new ParticipantProfile { ParticipantId = Guid.NewGuid(), Kind = "individual", ChangedAt = now }));
        await db.SaveChangesAsync();
        await EndWindowAsync(db.Ballots.Where(b => b.Id == ballot).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.OpensAt, now.AddHours(-2)).SetProperty(b => b.ClosesAt, now.AddSeconds(-1))));
        return ballot;
    }

    private async Task<int> ProfilesAsync()
    {
        await using var scope = factory.Scope(out var db);
        return await db.Profiles.CountAsync();
    }

    [Fact]
    public async Task A_closed_ballots_turnout_is_its_casts_over_the_participants_the_registry_counts_eligible_at_the_close()
    {
        var ballot = await EndedBallotAsync(casts: 10, profiles: 60); // 60 registered here, only 40 of them eligible
        (factory.Registry.Eligible, factory.Registry.CountDelay) = (40, TimeSpan.Zero);
        var asked = factory.Registry.CountCalls;

        var closed = await (await steering.PostAsync($"/api/charter/ballots/{ballot}/close", null)).ReadAsync(HttpStatusCode.OK);

        Assert.Equal((40, 0.25), (closed.GetProperty("electorate").GetInt32(), closed.GetProperty("turnout").GetDouble()));
        Assert.Equal(10, closed.GetProperty("result").GetProperty("cast").GetInt32());
        Assert.Equal(asked + 1, factory.Registry.CountCalls);
        var read = await (await steering.GetAsync($"/api/charter/ballots/{ballot}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal((40, 0.25), (read.GetProperty("electorate").GetInt32(), read.GetProperty("turnout").GetDouble()));
    }

    [Fact]
    public async Task A_founding_call_published_during_a_ballot_leaves_its_electorate_counted_from_the_version_it_opened_under()
    {
        (factory.Registry.Eligible, factory.Registry.CountDelay, factory.Registry.CurrentFoundingCallVersion) = (40, TimeSpan.Zero, 2);
        var ballot = await EndedBallotAsync(casts: 10, profiles: 0);
        await using (var scope = factory.Scope(out var db))
        {
            Assert.Equal(2, (await db.Ballots.SingleAsync(b => b.Id == ballot)).FoundingCallVersion);
        }
        factory.Registry.CurrentFoundingCallVersion = 3; // published before the close
        try
        {
            var closed = await (await steering.PostAsync($"/api/charter/ballots/{ballot}/close", null)).ReadAsync(HttpStatusCode.OK);

            Assert.Equal(40, closed.GetProperty("electorate").GetInt32());
            Assert.Equal(2, factory.Registry.CountRequests.Last()); // adhered to version 2 or later, not only to 3
        }
        finally
        {
            factory.Registry.CurrentFoundingCallVersion = 1;
        }
    }

    [Fact]
    public async Task With_the_registry_down_a_ballot_still_closes_and_its_electorate_is_the_profile_count()
    {
        var ballot = await EndedBallotAsync(casts: 10, profiles: 30);
        (factory.Registry.Eligible, factory.Registry.CountDelay) = (null, TimeSpan.Zero); // answers Unavailable
        var profiles = await ProfilesAsync();

        var closed = await (await steering.PostAsync($"/api/charter/ballots/{ballot}/close", null)).ReadAsync(HttpStatusCode.OK);

        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.True(closed.GetProperty("result").GetProperty("adopted").GetBoolean());
        Assert.Equal((profiles, 10.0 / profiles), (closed.GetProperty("electorate").GetInt32(), closed.GetProperty("turnout").GetDouble()));
    }

    [Fact]
    public async Task A_registry_slower_than_the_deadline_does_not_hold_a_ballots_close_the_profile_count_stands_in()
    {
        var ballot = await EndedBallotAsync(casts: 10, profiles: 30);
        (factory.Registry.Eligible, factory.Registry.CountDelay) = (40, TimeSpan.FromMinutes(2)); // Charter:RegistryTimeout: 5 s
        var profiles = await ProfilesAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var closed = await (await steering.PostAsync($"/api/charter/ballots/{ballot}/close", null)).ReadAsync(HttpStatusCode.OK);

            Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(60));
            Assert.Equal(profiles, closed.GetProperty("electorate").GetInt32());
        }
        finally
        {
            factory.Registry.CountDelay = TimeSpan.Zero;
        }
    }

    /// <summary>Moves a vote's window into the past (the service's clock is the real one here), so it can be closed and counted.</summary>
    private static async Task EndWindowAsync(Task<int> update) => Assert.Equal(1, await update);
}
