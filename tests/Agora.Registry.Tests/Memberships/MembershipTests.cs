using System.Net;
using System.Net.Http.Json;
using Agora.ServiceDefaults;

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
        // A spokesperson manages members too.
        var asSpokesperson = factory.ClientFor(people[1], Roles.Participant);
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
        Assert.Equal(("member", org), (Assert.Single(mine!).Role, mine![0].OrganizationId));
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

    private sealed record MemberDto(Guid OrganizationId, Guid IndividualId, string Role, DateTimeOffset Since);
}
