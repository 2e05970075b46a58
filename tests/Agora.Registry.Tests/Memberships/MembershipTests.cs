using System.Net;
using System.Net.Http.Json;
using Agora.Contracts.Registry;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests.Memberships;

public sealed class MembershipFactory : RegistryFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => [new("Registry:MaxDelegatesPerOrganization", "2")];
}

public sealed class MembershipTests(MembershipFactory factory) : IClassFixture<MembershipFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    [Fact]
    public async Task An_organization_names_delegates_up_to_the_configured_maximum()
    {
        var org = await Api.RegisterAsync(client, "organization");
        var asOrg = factory.ClientFor(org, Roles.Participant);
        var people = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            people.Add(await Api.RegisterAsync(client, "individual"));
        }

        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = people[0], role = "delegate" }).JsonAsync(HttpStatusCode.Created);
        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = people[1], role = "spokesperson" }).JsonAsync(HttpStatusCode.Created);
        // A spokesperson manages members too, once they have accepted.
        var asSpokesperson = factory.ClientFor(people[1], Roles.Participant);
        await asSpokesperson.PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);
        await asSpokesperson.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = people[2], role = "delegate" }).JsonAsync(HttpStatusCode.Created);
        var third = await asSpokesperson.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = people[3], role = "delegate" });
        await asSpokesperson.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = people[3], role = "member" }).JsonAsync(HttpStatusCode.Created);
        var promote = await asOrg.PutAsJsonAsync($"/api/registry/organizations/{org}/members/{people[3]}", new { role = "delegate" });
        var duplicate = await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = people[0], role = "member" });

        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, promote.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var members = await asOrg.GetFromJsonAsync<List<MemberDto>>($"/api/registry/organizations/{org}/members");
        Assert.Equal(2, members!.Count(m => m.Role == "delegate"));
        Assert.Equal(4, members!.Count);
        var mine = await factory.ClientFor(people[3], Roles.Participant).GetFromJsonAsync<List<MemberDto>>("/api/registry/me/memberships");
        Assert.Equal(("member", org, "invited"), (Assert.Single(mine!).Role, mine![0].OrganizationId, mine[0].Status));
    }

    [Fact]
    public async Task An_invitation_is_seen_only_by_the_invitee_and_the_managers_until_accepted_then_by_every_member()
    {
        var org = await Api.RegisterAsync(client, "movement");
        var asOrg = factory.ClientFor(org, Roles.Participant);
        var (member, invitee) = (await Api.RegisterAsync(client, "individual"), await Api.RegisterAsync(client, "individual"));
        var (asMember, asInvitee) = (factory.ClientFor(member, Roles.Participant), factory.ClientFor(invitee, Roles.Participant));
        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = member, role = "member" }).JsonAsync(HttpStatusCode.Created);
        await asMember.PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);

        var invited = await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" }).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("invited", invited.GetProperty("status").GetString());
        // The other members do not learn of the invitation; the invitee does not see the members before accepting.
        Assert.Equal([member], (await asMember.GetFromJsonAsync<List<MemberDto>>($"/api/registry/organizations/{org}/members"))!.Select(m => m.IndividualId));
        Assert.Equal(HttpStatusCode.Forbidden, (await asInvitee.GetAsync($"/api/registry/organizations/{org}/members")).StatusCode);
        var mine = Assert.Single((await asInvitee.GetFromJsonAsync<List<MemberDto>>("/api/registry/me/memberships"))!);
        Assert.Equal((org, "invited"), (mine.OrganizationId, mine.Status));
        var managed = await asOrg.GetFromJsonAsync<List<MemberDto>>($"/api/registry/organizations/{org}/members");
        Assert.Equal([(member, "active"), (invitee, "invited")], managed!.Select(m => (m.IndividualId, m.Status)));
        // Managers may change the role of a pending invitation; it stays an invitation.
        var changed = await asOrg.PutAsJsonAsync($"/api/registry/organizations/{org}/members/{invitee}", new { role = "delegate" }).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("delegate", "invited"), (changed.GetProperty("role").GetString(), changed.GetProperty("status").GetString()));

        var accepted = await asInvitee.PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);
        var again = await asInvitee.PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(("active", "delegate"), (accepted.GetProperty("status").GetString(), accepted.GetProperty("role").GetString()));
        Assert.Equal("active", again.GetProperty("status").GetString());
        var seen = await asMember.GetFromJsonAsync<List<MemberDto>>($"/api/registry/organizations/{org}/members");
        Assert.Equal([(member, "active"), (invitee, "active")], seen!.Select(m => (m.IndividualId, m.Status)));
        await asInvitee.GetAsync($"/api/registry/organizations/{org}/members").JsonAsync(HttpStatusCode.OK);
        var exported = (await asInvitee.GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK)).GetProperty("memberships");
        Assert.Equal(("active", "delegate"), (exported[0].GetProperty("status").GetString(), exported[0].GetProperty("role").GetString()));
    }

    [Fact]
    public async Task A_pending_spokesperson_cannot_manage_members_until_they_accept()
    {
        var org = await Api.RegisterAsync(client, "organization");
        var (spokesperson, other) = (await Api.RegisterAsync(client, "individual"), await Api.RegisterAsync(client, "individual"));
        await factory.ClientFor(org, Roles.Participant).PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = spokesperson, role = "spokesperson" }).JsonAsync(HttpStatusCode.Created);
        var asSpokesperson = factory.ClientFor(spokesperson, Roles.Participant);

        var add = await asSpokesperson.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = other, role = "member" });
        var promote = await asSpokesperson.PutAsJsonAsync($"/api/registry/organizations/{org}/members/{spokesperson}", new { role = "delegate" });
        var list = await asSpokesperson.GetAsync($"/api/registry/organizations/{org}/members");

        Assert.EndsWith("forbidden", (await add.JsonAsync(HttpStatusCode.Forbidden)).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, promote.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        await asSpokesperson.PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);
        await asSpokesperson.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = other, role = "member" }).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Declining_removes_the_invitation_and_accepting_without_one_is_a_404_problem()
    {
        var org = await Api.RegisterAsync(client, "organization");
        var asOrg = factory.ClientFor(org, Roles.Participant);
        var invitee = await Api.RegisterAsync(client, "individual");
        var asInvitee = factory.ClientFor(invitee, Roles.Participant);
        await factory.ClientFor(Guid.NewGuid(), Roles.Steering).PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" }).JsonAsync(HttpStatusCode.Created);
        // Someone else cannot accept another's invitation.
        var stranger = await factory.ClientFor(await Api.RegisterAsync(client, "individual"), Roles.Participant).PostAsync($"/api/registry/me/memberships/{org}/accept", null);

        Assert.Equal(HttpStatusCode.NoContent, (await asInvitee.DeleteAsync($"/api/registry/organizations/{org}/members/{invitee}")).StatusCode);

        Assert.EndsWith("not-found", (await stranger.JsonAsync(HttpStatusCode.NotFound)).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Empty((await asInvitee.GetFromJsonAsync<List<MemberDto>>("/api/registry/me/memberships"))!);
        Assert.Empty((await asOrg.GetFromJsonAsync<List<MemberDto>>($"/api/registry/organizations/{org}/members"))!);
        foreach (var path in new[] { $"/api/registry/me/memberships/{org}/accept", $"/api/registry/me/memberships/{Guid.NewGuid()}/accept", "/api/registry/me/memberships/not-a-guid/accept" })
        {
            var response = await asInvitee.PostAsync(path, null);
            await response.JsonAsync(HttpStatusCode.NotFound);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await asInvitee.DeleteAsync($"/api/registry/organizations/{org}/members/{invitee}")).StatusCode);
    }

    [Fact]
    public async Task Outsiders_cannot_manage_or_read_members_and_bad_input_is_rejected()
    {
        var org = await Api.RegisterAsync(client, "movement");
        var individual = await Api.RegisterAsync(client, "individual");
        var otherOrg = await Api.RegisterAsync(client, "organization");
        var outsider = factory.ClientFor(await Api.RegisterAsync(client, "individual"), Roles.Participant);

        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = individual, role = "member" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/api/registry/organizations/{org}/members")).StatusCode);
        var asOrg = factory.ClientFor(org, Roles.Participant);
        Assert.Equal(["role"], (await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = individual, role = "boss" }).JsonAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["individualId"], (await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = otherOrg, role = "member" }).JsonAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(HttpStatusCode.NotFound, (await asOrg.PostAsJsonAsync($"/api/registry/organizations/{individual}/members", new { individualId = individual, role = "member" })).StatusCode);
        await factory.ClientFor(Guid.NewGuid(), Roles.Steering).PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = individual, role = "member" }).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.ClientFor(individual, Roles.Participant).DeleteAsync($"/api/registry/organizations/{org}/members/{individual}")).StatusCode);
    }

    [Fact]
    public async Task An_invitation_publishes_MembershipInvited_once_and_role_changes_acceptance_and_duplicates_publish_nothing()
    {
        var org = await Api.RegisterAsync(client, "movement");
        var asOrg = factory.ClientFor(org, Roles.Participant);
        var invitee = await Api.RegisterAsync(client, "individual");
        var asInvitee = factory.ClientFor(invitee, Roles.Participant);

        var invited = await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "spokesperson" }).JsonAsync(HttpStatusCode.Created);
        await asOrg.PutAsJsonAsync($"/api/registry/organizations/{org}/members/{invitee}", new { role = "delegate" }).JsonAsync(HttpStatusCode.OK);
        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" }).JsonAsync(HttpStatusCode.Conflict);
        await asInvitee.PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);
        await asInvitee.PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);
        await asOrg.PutAsJsonAsync($"/api/registry/organizations/{org}/members/{invitee}", new { role = "member" }).JsonAsync(HttpStatusCode.OK);

        var single = Assert.Single(await Api.EventsAsync<MembershipInvited>(factory, invitee));
        Assert.Equal((invitee, org, "spokesperson"),
            (single.GetProperty("individualId").GetGuid(), single.GetProperty("organizationId").GetGuid(), single.GetProperty("role").GetString()));
        Assert.Equal(invited.GetProperty("since").GetDateTimeOffset(), single.GetProperty("invitedAt").GetDateTimeOffset());
        // Ids only: the event names neither the individual nor the organization.
        Assert.DoesNotContain("Collectif", single.GetRawText(), StringComparison.Ordinal);

        // Declined, then invited again: a new invitation, told again.
        Assert.Equal(HttpStatusCode.NoContent, (await asInvitee.DeleteAsync($"/api/registry/organizations/{org}/members/{invitee}")).StatusCode);
        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" }).JsonAsync(HttpStatusCode.Created);
        var events = await Api.EventsAsync<MembershipInvited>(factory, invitee);
        Assert.Equal(["spokesperson", "member"], events.Select(e => e.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task A_declined_invitation_cannot_be_repeated_before_the_period_then_can_and_the_export_lists_the_decline()
    {
        var org = await Api.RegisterAsync(client, "movement");
        var asOrg = factory.ClientFor(org, Roles.Participant);
        var asSteering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);
        var invitee = await Api.RegisterAsync(client, "individual");
        var asInvitee = factory.ClientFor(invitee, Roles.Participant);
        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" }).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.NoContent, (await asInvitee.DeleteAsync($"/api/registry/organizations/{org}/members/{invitee}")).StatusCode);
        var again = await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "delegate" });
        // Steering's additions are invitations too: the same rule.
        var bySteering = await asSteering.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" });

        var declined = Assert.Single((await asInvitee.GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK)).GetProperty("declinedInvitations").EnumerateArray());
        Assert.Equal(org, declined.GetProperty("organizationId").GetGuid());
        var declinedAt = declined.GetProperty("declinedAt").GetDateTimeOffset();
        foreach (var refused in new[] { again, bySteering })
        {
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await refused.JsonAsync(HttpStatusCode.Conflict);
            Assert.EndsWith("invitation-declined", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.Equal(declinedAt + TimeSpan.FromDays(90), problem.GetProperty("invitableAgainAt").GetDateTimeOffset());
        }
        // Nothing written, nobody told again.
        Assert.Single(await Api.EventsAsync<MembershipInvited>(factory, invitee));
        Assert.Empty((await asOrg.GetFromJsonAsync<List<MemberDto>>($"/api/registry/organizations/{org}/members"))!);
        Assert.Empty((await asInvitee.GetFromJsonAsync<List<MemberDto>>("/api/registry/me/memberships"))!);
        // The organization's own export does not learn who declined it.
        Assert.Empty((await asOrg.GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK)).GetProperty("declinedInvitations").EnumerateArray());
        // Another organization is not held back by this decline.
        var other = await Api.RegisterAsync(client, "organization");
        await factory.ClientFor(other, Roles.Participant).PostAsJsonAsync($"/api/registry/organizations/{other}/members", new { individualId = invitee, role = "member" })
            .JsonAsync(HttpStatusCode.Created);

        // The period has passed (the decline moved back by 90 days and a minute): invited again, and told again.
        await using (var scope = factory.Scope(out var db))
        {
            var row = await db.DeclinedInvitations.SingleAsync(d => d.OrganizationId == org && d.IndividualId == invitee);
            await db.DeclinedInvitations.Where(d => d.OrganizationId == org && d.IndividualId == invitee)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.DeclinedAt, row.DeclinedAt - TimeSpan.FromDays(90) - TimeSpan.FromMinutes(1)));
        }
        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "delegate" }).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(3, (await Api.EventsAsync<MembershipInvited>(factory, invitee)).Count);
        // The old decline serves no more and is gone.
        Assert.Empty((await asInvitee.GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK)).GetProperty("declinedInvitations").EnumerateArray());
    }

    [Fact]
    public async Task A_withdrawn_invitation_or_a_member_leaving_records_no_decline_and_the_organization_may_invite_again()
    {
        var org = await Api.RegisterAsync(client, "organization");
        var asOrg = factory.ClientFor(org, Roles.Participant);
        var asSteering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);
        var invitee = await Api.RegisterAsync(client, "individual");
        var asInvitee = factory.ClientFor(invitee, Roles.Participant);

        // Withdrawn by the organization, then by steering: invited again each time.
        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" }).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await asOrg.DeleteAsync($"/api/registry/organizations/{org}/members/{invitee}")).StatusCode);
        await asSteering.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" }).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await asSteering.DeleteAsync($"/api/registry/organizations/{org}/members/{invitee}")).StatusCode);
        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" }).JsonAsync(HttpStatusCode.Created);
        // Accepted, then left: leaving is not declining.
        await asInvitee.PostAsync($"/api/registry/me/memberships/{org}/accept", null).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await asInvitee.DeleteAsync($"/api/registry/organizations/{org}/members/{invitee}")).StatusCode);
        await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = invitee, role = "member" }).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(4, (await Api.EventsAsync<MembershipInvited>(factory, invitee)).Count);
        Assert.Empty((await asInvitee.GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK)).GetProperty("declinedInvitations").EnumerateArray());
    }

    [Fact]
    public async Task A_decline_deletes_the_declines_whose_period_has_passed_and_keeps_the_others()
    {
        var org = await Api.RegisterAsync(client, "organization");
        var (expired, recent, latest) = (await Api.RegisterAsync(client, "individual"), await Api.RegisterAsync(client, "individual"),
            await Api.RegisterAsync(client, "individual"));
        async Task InviteAndDeclineAsync(Guid individual)
        {
            await factory.ClientFor(org, Roles.Participant).PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = individual, role = "member" })
                .JsonAsync(HttpStatusCode.Created);
            Assert.Equal(HttpStatusCode.NoContent,
                (await factory.ClientFor(individual, Roles.Participant).DeleteAsync($"/api/registry/organizations/{org}/members/{individual}")).StatusCode);
        }
        await InviteAndDeclineAsync(expired);
        await InviteAndDeclineAsync(recent);
        await using (var scope = factory.Scope(out var db))
        {
            // One decline past its 90 days (and a minute), the other 89 days old.
            await db.DeclinedInvitations.Where(d => d.IndividualId == expired)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.DeclinedAt, d => d.DeclinedAt - TimeSpan.FromDays(90) - TimeSpan.FromMinutes(1)));
            await db.DeclinedInvitations.Where(d => d.IndividualId == recent)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.DeclinedAt, d => d.DeclinedAt - TimeSpan.FromDays(89)));
        }

        await InviteAndDeclineAsync(latest);

        await using (var scope = factory.Scope(out var db))
        {
            var left = await db.DeclinedInvitations.Where(d => d.OrganizationId == org).Select(d => d.IndividualId).ToListAsync();
            Assert.Equal(new[] { recent, latest }.Order(), left.Order());
        }
    }

    [Fact]
    public async Task Erasure_deletes_the_declines_of_the_individual_and_of_the_organization()
    {
        var (org, otherOrg) = (await Api.RegisterAsync(client, "organization"), await Api.RegisterAsync(client, "movement"));
        var (invitee, other) = (await Api.RegisterAsync(client, "individual"), await Api.RegisterAsync(client, "individual"));
        foreach (var (o, i) in new[] { (org, invitee), (otherOrg, invitee), (org, other) })
        {
            await factory.ClientFor(o, Roles.Participant).PostAsJsonAsync($"/api/registry/organizations/{o}/members", new { individualId = i, role = "member" })
                .JsonAsync(HttpStatusCode.Created);
            Assert.Equal(HttpStatusCode.NoContent, (await factory.ClientFor(i, Roles.Participant).DeleteAsync($"/api/registry/organizations/{o}/members/{i}")).StatusCode);
        }
        Assert.Equal(3, await CountDeclinesAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await factory.ClientFor(invitee, Roles.Participant).DeleteAsync("/api/registry/me")).StatusCode);
        Assert.Equal(1, await CountDeclinesAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await factory.ClientFor(org, Roles.Participant).DeleteAsync("/api/registry/me")).StatusCode);
        Assert.Equal(0, await CountDeclinesAsync());

        async Task<int> CountDeclinesAsync()
        {
            await using var scope = factory.Scope(out var db);
            return await db.DeclinedInvitations.CountAsync(d => d.IndividualId == invitee || d.IndividualId == other);
        }
    }

    private sealed record MemberDto(Guid OrganizationId, Guid IndividualId, string Role, DateTimeOffset Since, string Status);
}
