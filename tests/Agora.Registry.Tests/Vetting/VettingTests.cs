using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Agora.Contracts.Registry;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests.Vetting;

public sealed class VettingTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    private readonly HttpClient client = factory.CreateClient();
    private readonly Guid steeringId = Guid.NewGuid();

    private HttpClient Steering => factory.ClientFor(steeringId, Roles.Steering);

    [Fact]
    public async Task An_organization_stays_pending_until_steering_approves_with_a_reason_and_the_decision_is_audited()
    {
        var org = await Api.RegisterAsync(client, "organization", adheres: 1);
        Assert.Equal("pending", (await factory.ClientFor(org, Roles.Participant).GetAsync("/api/registry/me").JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());

        var noReason = await Steering.PostAsJsonAsync($"/api/registry/participants/{org}/vetting", new { decision = "approve", reason = "  " });
        Assert.Equal(["reason"], (await noReason.JsonAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var outcome = await Steering.PostAsJsonAsync($"/api/registry/participants/{org}/vetting", new { decision = "approve", reason = "Known union, statutes checked." })
            .JsonAsync(HttpStatusCode.OK);

        Assert.Equal("active", outcome.GetProperty("status").GetString());
        Assert.Equal("approved", outcome.GetProperty("vetting").GetString());
        var audit = Assert.Single(await Steering.GetFromJsonAsync<List<AuditDto>>($"/api/registry/participants/{org}/vetting") ?? []);
        Assert.Equal(("approved", "steering", steeringId, "Known union, statutes checked."), (audit.Decision, audit.Method, audit.DecidedBy, audit.Reason));
        var decided = Assert.Single(await Api.EventsAsync<ParticipantVettingDecided>(factory, org));
        Assert.Equal("approved", decided.GetProperty("decision").GetString());
        Assert.Equal(steeringId, decided.GetProperty("decidedBy").GetGuid());
        Assert.DoesNotContain("statutes", decided.ToString(), StringComparison.Ordinal);
        Assert.Single(await Api.EventsAsync<ParticipantActivated>(factory, org));
    }

    [Fact]
    public async Task Erasure_removes_the_reasons_written_about_the_participant_and_keeps_the_decisions()
    {
        var org = await Api.RegisterAsync(client, "organization", adheres: 1);
        var other = await Api.RegisterAsync(client, "organization", adheres: 1);
        await Steering.PostAsJsonAsync($"/api/registry/participants/{org}/vetting", new { decision = "approve", reason = "Statutes checked; its president is a known lawyer." })
            .JsonAsync(HttpStatusCode.OK);
        await Steering.PostAsJsonAsync($"/api/registry/participants/{other}/vetting", new { decision = "approve", reason = "Known union." }).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, (await Steering.DeleteAsync($"/api/registry/participants/{org}")).StatusCode);

        var audit = Assert.Single(await Steering.GetFromJsonAsync<List<AuditDto>>($"/api/registry/participants/{org}/vetting") ?? []);
        Assert.Equal(("approved", "steering", steeringId, (string?)null), (audit.Decision, audit.Method, audit.DecidedBy, audit.Reason));
        var kept = Assert.Single(await Steering.GetFromJsonAsync<List<AuditDto>>($"/api/registry/participants/{other}/vetting") ?? []);
        Assert.Equal("Known union.", kept.Reason);
    }

    [Fact]
    public async Task A_rejected_movement_is_rejected_and_a_second_decision_is_a_conflict_that_changes_nothing()
    {
        var movement = await Api.RegisterAsync(client, "movement");
        await Steering.PostAsJsonAsync($"/api/registry/participants/{movement}/vetting", new { decision = "reject", reason = "Not a movement." }).JsonAsync(HttpStatusCode.OK);

        var again = await Steering.PostAsJsonAsync($"/api/registry/participants/{movement}/vetting", new { decision = "approve", reason = "Changed our mind." });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await using var scope = factory.Scope(out var db);
        Assert.Equal(1, await db.VettingDecisions.CountAsync(d => d.ParticipantId == movement));
        Assert.Equal(Agora.Registry.Participants.ParticipantStatus.Rejected, (await db.Participants.SingleAsync(p => p.Id == movement)).Status);
        Assert.Single(await Api.EventsAsync<ParticipantVettingDecided>(factory, movement));
    }

    [Fact]
    public async Task Only_steering_decides_and_not_on_individuals_or_unknown_ids()
    {
        var org = await Api.RegisterAsync(client, "organization");
        var individual = await Api.RegisterAsync(client, "individual");
        var body = new { decision = "approve", reason = "ok" };

        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(org, Roles.Participant, Roles.Facilitator).PostAsJsonAsync($"/api/registry/participants/{org}/vetting", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync($"/api/registry/participants/{org}/vetting", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Steering.PostAsJsonAsync($"/api/registry/participants/{individual}/vetting", body)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Steering.PostAsJsonAsync($"/api/registry/participants/{Guid.NewGuid()}/vetting", body)).StatusCode);
        Assert.Equal(["decision"], (await Steering.PostAsJsonAsync($"/api/registry/participants/{org}/vetting", new { decision = "maybe", reason = "x" }).JsonAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task An_individual_is_confirmed_by_the_emailed_code_and_wrong_codes_are_limited()
    {
        var id = await Api.RegisterAsync(client, "individual", adheres: 1);
        var code = await Api.LastCodeAsync(factory, id, "verify-email");
        var wrong = code == "000000" ? "111111" : "000000";

        var bad = await client.PostAsJsonAsync($"/api/registry/participants/{id}/email-verification", new { code = wrong });
        var good = await client.PostAsJsonAsync($"/api/registry/participants/{id}/email-verification", new { code });
        var replay = await client.PostAsJsonAsync($"/api/registry/participants/{id}/email-verification", new { code });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var outcome = await good.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("active", "confirmed"), (outcome.GetProperty("status").GetString(), outcome.GetProperty("vetting").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        var decided = Assert.Single(await Api.EventsAsync<ParticipantVettingDecided>(factory, id));
        Assert.Equal("confirmed", decided.GetProperty("decision").GetString());

        var other = await Api.RegisterAsync(client, "individual");
        var otherCode = await Api.LastCodeAsync(factory, other, "verify-email");
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync($"/api/registry/participants/{other}/email-verification", new { code = otherCode == "000000" ? "111111" : "000000" });
        }
        var blocked = await client.PostAsJsonAsync($"/api/registry/participants/{other}/email-verification", new { code = otherCode });
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/registry/participants/{other}/email-verification/resend", null)).StatusCode);
        var fresh = await Api.LastCodeAsync(factory, other, "verify-email");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/registry/participants/{other}/email-verification", new { code = fresh })).StatusCode);
    }

    [Fact]
    public async Task Wrong_codes_sent_at_once_each_count_toward_the_limit()
    {
        var id = await Api.RegisterAsync(client, "individual", adheres: 1);
        var code = await Api.LastCodeAsync(factory, id, "verify-email");
        var wrong = Enumerable.Range(1, 8).Select(i => ((int.Parse(code, CultureInfo.InvariantCulture) + i) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture));

        var statuses = (await Task.WhenAll(wrong.Select(w => client.PostAsJsonAsync($"/api/registry/participants/{id}/email-verification", new { code = w }))))
            .Select(r => r.StatusCode).ToList();
        var right = await client.PostAsJsonAsync($"/api/registry/participants/{id}/email-verification", new { code });

        // Taken one at a time, the fifth wrong code burns the code. Read without a lock, most tries failed on the row
        // version (500) uncounted, and the right code was still accepted after eight wrong ones.
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests, $"got {s}"));
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }

    [Fact]
    public async Task A_delegate_of_an_approved_organization_vouches_for_an_individual_and_others_cannot()
    {
        var org = await Api.RegisterAsync(client, "organization");
        await Steering.PostAsJsonAsync($"/api/registry/participants/{org}/vetting", new { decision = "approve", reason = "ok" }).JsonAsync(HttpStatusCode.OK);
        var delegateId = await Api.RegisterAsync(client, "individual");
        var plainMember = await Api.RegisterAsync(client, "individual");
        await factory.ClientFor(org, Roles.Participant).PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = delegateId, role = "delegate" }).JsonAsync(HttpStatusCode.Created);
        await factory.ClientFor(org, Roles.Participant).PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = plainMember, role = "member" }).JsonAsync(HttpStatusCode.Created);
        var newcomer = await Api.RegisterAsync(client, "individual");

        // A delegate who has not accepted the invitation is not a delegate yet.
        var pending = await factory.ClientFor(delegateId, Roles.Participant).PostAsJsonAsync($"/api/registry/participants/{newcomer}/vouch", new { reason = "too early" });
        Assert.EndsWith("not-a-delegate", (await pending.JsonAsync(HttpStatusCode.Forbidden)).GetProperty("type").GetString(), StringComparison.Ordinal);
        await factory.ClientFor(delegateId, Roles.Participant).PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);
        await factory.ClientFor(plainMember, Roles.Participant).PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);

        var byMember = await factory.ClientFor(plainMember, Roles.Participant).PostAsJsonAsync($"/api/registry/participants/{newcomer}/vouch", new { reason = "I know her" });
        var byDelegate = await factory.ClientFor(delegateId, Roles.Participant).PostAsJsonAsync($"/api/registry/participants/{newcomer}/vouch", new { reason = "Member of our local section" });
        var twice = await factory.ClientFor(delegateId, Roles.Participant).PostAsJsonAsync($"/api/registry/participants/{newcomer}/vouch", new { });

        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal("confirmed", (await byDelegate.JsonAsync(HttpStatusCode.OK)).GetProperty("vetting").GetString());
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        var audit = Assert.Single(await Steering.GetFromJsonAsync<List<AuditDto>>($"/api/registry/participants/{newcomer}/vetting") ?? []);
        Assert.Equal(("confirmed", "vouch", delegateId), (audit.Decision, audit.Method, audit.DecidedBy));
    }

    private sealed record AuditDto(Guid Id, string Decision, string Method, Guid? DecidedBy, string? Reason, DateTimeOffset DecidedAt);
}
