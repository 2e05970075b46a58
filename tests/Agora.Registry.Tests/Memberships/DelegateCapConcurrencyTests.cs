using System.Net;
using System.Net.Http.Json;
using Agora.Registry.Memberships;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests.Memberships;

public sealed class DelegateCapFactory : RegistryFactory
{
    public const int Cap = 3;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => [new(MembershipsApi.MaxDelegatesSetting, Cap.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

public sealed class DelegateCapConcurrencyTests(DelegateCapFactory factory) : IClassFixture<DelegateCapFactory>
{
    private const int Nominations = 20;
    private readonly HttpClient client = factory.CreateClient();

    [Fact]
    public async Task Twenty_concurrent_nominations_name_exactly_the_maximum_and_the_others_get_a_409_problem()
    {
        var org = await Api.RegisterAsync(client, "organization");
        var people = new List<Guid>();
        for (var i = 0; i < Nominations; i++)
        {
            people.Add(await Api.RegisterAsync(client, "individual"));
        }
        var asOrg = factory.ClientFor(org, Roles.Participant);

        using var start = new SemaphoreSlim(0);
        var nominations = people.Select(async person =>
        {
            await start.WaitAsync();
            return await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = person, role = "delegate" });
        }).ToList();
        start.Release(Nominations);
        var responses = await Task.WhenAll(nominations);

        Assert.Equal(DelegateCapFactory.Cap, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(Nominations - DelegateCapFactory.Cap, refused.Count);
        foreach (var response in refused)
        {
            var problem = await response.JsonAsync(HttpStatusCode.Conflict);
            Assert.EndsWith("too-many-delegates", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        await using var scope = factory.Scope(out var db);
        Assert.Equal(DelegateCapFactory.Cap, await db.Memberships.CountAsync(m => m.OrganizationId == org && m.Role == MembershipRole.Delegate));
        Assert.Equal(DelegateCapFactory.Cap, await db.Memberships.CountAsync(m => m.OrganizationId == org));
    }

    [Fact]
    public async Task Concurrent_promotions_of_members_to_delegate_never_exceed_the_maximum()
    {
        var org = await Api.RegisterAsync(client, "organization");
        var asOrg = factory.ClientFor(org, Roles.Participant);
        var people = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            var person = await Api.RegisterAsync(client, "individual");
            await asOrg.PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = person, role = "member" }).JsonAsync(HttpStatusCode.Created);
            people.Add(person);
        }

        using var start = new SemaphoreSlim(0);
        var promotions = people.Select(async person =>
        {
            await start.WaitAsync();
            return await asOrg.PutAsJsonAsync($"/api/registry/organizations/{org}/members/{person}", new { role = "delegate" });
        }).ToList();
        start.Release(people.Count);
        var responses = await Task.WhenAll(promotions);

        Assert.Equal(DelegateCapFactory.Cap, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        await using var scope = factory.Scope(out var db);
        Assert.Equal(DelegateCapFactory.Cap, await db.Memberships.CountAsync(m => m.OrganizationId == org && m.Role == MembershipRole.Delegate));
    }

    [Fact]
    public async Task Concurrent_acceptances_of_more_delegate_invitations_than_the_maximum_make_exactly_the_maximum_delegates()
    {
        var org = await Api.RegisterAsync(client, "organization");
        var people = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            people.Add(await Api.RegisterAsync(client, "individual"));
        }
        // Invitations beyond the maximum, as made before it was lowered: only acceptance can hold the line.
        await using (var arrange = factory.Scope(out var db))
        {
            db.Memberships.AddRange(people.Select(p => new Membership
            {
                Id = Guid.CreateVersion7(), OrganizationId = org, IndividualId = p, Role = MembershipRole.Delegate, Status = MembershipStatus.Invited, Since = DateTimeOffset.UtcNow,
            }));
            await db.SaveChangesAsync();
        }

        using var start = new SemaphoreSlim(0);
        var acceptances = people.Select(async person =>
        {
            await start.WaitAsync();
            return await factory.ClientFor(person, Roles.Participant).PostAsync($"/api/registry/me/memberships/{org}/accept", null);
        }).ToList();
        start.Release(people.Count);
        var responses = await Task.WhenAll(acceptances);

        Assert.Equal(DelegateCapFactory.Cap, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.EndsWith("too-many-delegates", (await response.JsonAsync(HttpStatusCode.Conflict)).GetProperty("type").GetString(), StringComparison.Ordinal);
        }
        await using var scope = factory.Scope(out var check);
        Assert.Equal(DelegateCapFactory.Cap, await check.Memberships.CountAsync(m => m.OrganizationId == org && m.Status == MembershipStatus.Active));
        Assert.Equal(people.Count - DelegateCapFactory.Cap, await check.Memberships.CountAsync(m => m.OrganizationId == org && m.Status == MembershipStatus.Invited));
    }
}
