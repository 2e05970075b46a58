using System.Net;
using System.Net.Http.Json;
using Agora.ServiceDefaults;

namespace Agora.Registry.Tests.Identity;

/// <summary>Every registry endpoint × every role, with the status each must get.</summary>
public sealed class AuthorizationMatrixTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    public const string Anonymous = "anonymous";
    public static readonly string[] Callers = [Anonymous, Roles.Participant, Roles.Facilitator, Roles.Rapporteur, Roles.Steering, Roles.Partner];

    private sealed record Endpoint(Func<Context, Task<HttpResponseMessage>> Call, Func<string, HttpStatusCode> Expected);

    /// <summary>What a case needs: the caller's client and id, and a fresh anonymous client to arrange data.</summary>
    private sealed record Context(HttpClient Caller, Guid CallerId, HttpClient Anon, RegistryFactory Factory)
    {
        public Task<Guid> NewAsync(string kind) => Api.RegisterAsync(Anon, kind);
    }

    private static HttpStatusCode SteeringOnly(string role, HttpStatusCode ok) =>
        role == Anonymous ? HttpStatusCode.Unauthorized : role == Roles.Steering ? ok : HttpStatusCode.Forbidden;

    /// <summary>Any signed-in participant (not a partner client) on their own record.</summary>
    private static HttpStatusCode Own(string role, HttpStatusCode ok) =>
        role == Anonymous ? HttpStatusCode.Unauthorized : role == Roles.Partner ? HttpStatusCode.Forbidden : ok;

    private static HttpStatusCode Everyone(string role, HttpStatusCode ok) => ok;

    private static readonly Dictionary<string, Endpoint> Endpoints = new()
    {
        ["POST participants"] = new(c => c.Caller.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = "X", preferredLanguage = "fr", email = Api.NewEmail() }),
            r => Everyone(r, HttpStatusCode.Created)),
        ["GET participants"] = new(c => c.Caller.GetAsync("/api/registry/participants"), r => SteeringOnly(r, HttpStatusCode.OK)),
        ["GET participants/{own}"] = new(c => c.Caller.GetAsync($"/api/registry/participants/{c.CallerId}"),
            r => Own(r, HttpStatusCode.OK)),
        ["GET participants/{other}"] = new(async c => await c.Caller.GetAsync($"/api/registry/participants/{await c.NewAsync("individual")}"),
            r => SteeringOnly(r, HttpStatusCode.OK)),
        ["DELETE participants/{other}"] = new(async c => await c.Caller.DeleteAsync($"/api/registry/participants/{await c.NewAsync("individual")}"),
            r => SteeringOnly(r, HttpStatusCode.NoContent)),
        ["PUT participants/{other}/roles"] = new(async c => await c.Caller.PutAsJsonAsync($"/api/registry/participants/{await c.NewAsync("individual")}/roles", new { roles = new[] { "rapporteur" } }),
            r => SteeringOnly(r, HttpStatusCode.OK)),
        ["POST participants/{org}/vetting"] = new(async c => await c.Caller.PostAsJsonAsync($"/api/registry/participants/{await c.NewAsync("organization")}/vetting", new { decision = "approve", reason = "ok" }),
            r => SteeringOnly(r, HttpStatusCode.OK)),
        ["GET participants/{org}/vetting"] = new(async c => await c.Caller.GetAsync($"/api/registry/participants/{await c.NewAsync("organization")}/vetting"),
            r => SteeringOnly(r, HttpStatusCode.OK)),
        ["POST participants/{id}/email-verification (wrong code)"] = new(async c => await c.Caller.PostAsJsonAsync($"/api/registry/participants/{await c.NewAsync("individual")}/email-verification", new { code = "abcdef" }),
            r => Everyone(r, HttpStatusCode.BadRequest)),
        ["POST participants/{id}/email-verification/resend"] = new(async c => await c.Caller.PostAsync($"/api/registry/participants/{await c.NewAsync("individual")}/email-verification/resend", null),
            r => Everyone(r, HttpStatusCode.Accepted)),
        ["POST participants/{id}/vouch (not a delegate)"] = new(async c => await c.Caller.PostAsJsonAsync($"/api/registry/participants/{await c.NewAsync("individual")}/vouch", new { }),
            r => Own(r, HttpStatusCode.Forbidden)),
        ["GET me"] = new(c => c.Caller.GetAsync("/api/registry/me"), r => Own(r, HttpStatusCode.OK)),
        ["PATCH me"] = new(c => c.Caller.PatchAsJsonAsync("/api/registry/me", new { governorate = "tunis" }), r => Own(r, HttpStatusCode.OK)),
        ["GET me/export"] = new(c => c.Caller.GetAsync("/api/registry/me/export"), r => Own(r, HttpStatusCode.OK)),
        ["DELETE me"] = new(c => c.Caller.DeleteAsync("/api/registry/me"), r => Own(r, HttpStatusCode.NoContent)),
        ["POST me/adherence"] = new(async c =>
        {
            var current = await c.Anon.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/registry/founding-call");
            return await c.Caller.PostAsJsonAsync("/api/registry/me/adherence", new { version = current.GetProperty("version").GetInt32() });
        }, r => Own(r, HttpStatusCode.OK)),
        ["PUT me/password"] = new(c => c.Caller.PutAsJsonAsync("/api/registry/me/password", new { password = "a long enough passphrase" }), r => Own(r, HttpStatusCode.NoContent)),
        ["GET me/memberships"] = new(c => c.Caller.GetAsync("/api/registry/me/memberships"), r => Own(r, HttpStatusCode.OK)),
        ["POST me/memberships/{org}/accept (no invitation)"] = new(async c => await c.Caller.PostAsync($"/api/registry/me/memberships/{await c.NewAsync("organization")}/accept", null),
            r => Own(r, HttpStatusCode.NotFound)),
        ["GET themes"] = new(c => c.Caller.GetAsync("/api/registry/themes"), r => Everyone(r, HttpStatusCode.OK)),
        ["POST themes"] = new(c => c.Caller.PostAsJsonAsync("/api/registry/themes", new { slug = $"t-{Guid.NewGuid():N}"[..20], ar = "م", fr = "T", en = "T" }),
            r => SteeringOnly(r, HttpStatusCode.Created)),
        ["GET founding-call"] = new(c => c.Caller.GetAsync("/api/registry/founding-call"), r => Everyone(r, HttpStatusCode.OK)),
        ["GET founding-call/versions"] = new(c => c.Caller.GetAsync("/api/registry/founding-call/versions"), r => Everyone(r, HttpStatusCode.OK)),
        ["POST founding-call/versions"] = new(c => c.Caller.PostAsJsonAsync("/api/registry/founding-call/versions", new { ar = "ن", fr = "t", en = "t" }),
            r => SteeringOnly(r, HttpStatusCode.Created)),
        ["GET organizations/{other}/members"] = new(async c => await c.Caller.GetAsync($"/api/registry/organizations/{await c.NewAsync("organization")}/members"),
            r => SteeringOnly(r, HttpStatusCode.OK)),
        ["GET organizations/{own}/members"] = new(async c => await c.Caller.GetAsync($"/api/registry/organizations/{c.CallerId}/members"),
            r => Own(r, HttpStatusCode.OK)),
        ["POST organizations/{other}/members"] = new(async c => await c.Caller.PostAsJsonAsync($"/api/registry/organizations/{await c.NewAsync("organization")}/members",
            new { individualId = await c.NewAsync("individual"), role = "member" }), r => SteeringOnly(r, HttpStatusCode.Created)),
        ["PUT organizations/{other}/members/{x}"] = new(async c =>
        {
            var (org, person) = (await c.NewAsync("organization"), await c.NewAsync("individual"));
            await c.Factory.ClientFor(org, Roles.Participant).PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = person, role = "member" });
            return await c.Caller.PutAsJsonAsync($"/api/registry/organizations/{org}/members/{person}", new { role = "delegate" });
        }, r => SteeringOnly(r, HttpStatusCode.OK)),
        ["DELETE organizations/{other}/members/{x}"] = new(async c =>
        {
            var (org, person) = (await c.NewAsync("organization"), await c.NewAsync("individual"));
            await c.Factory.ClientFor(org, Roles.Participant).PostAsJsonAsync($"/api/registry/organizations/{org}/members", new { individualId = person, role = "member" });
            return await c.Caller.DeleteAsync($"/api/registry/organizations/{org}/members/{person}");
        }, r => SteeringOnly(r, HttpStatusCode.NoContent)),
        ["GET connect/login"] = new(c => c.Caller.GetAsync("/connect/login"), r => Everyone(r, HttpStatusCode.OK)),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Endpoints.Keys)
        {
            foreach (var caller in Callers)
            {
                data.Add(endpoint, caller);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_endpoint_answers_each_role_as_designed(string endpoint, string role)
    {
        var anon = factory.CreateClient();
        // The caller is a registered organization (so "own" organization routes have a subject), except partner clients.
        var callerId = role is Anonymous or Roles.Partner ? Guid.NewGuid() : await Api.RegisterAsync(anon, "organization");
        var caller = role == Anonymous ? factory.CreateClient() : factory.ClientFor(callerId, role);
        var spec = Endpoints[endpoint];

        var response = await spec.Call(new Context(caller, callerId, anon, factory));

        Assert.True(spec.Expected(role) == response.StatusCode,
            $"{endpoint} as {role}: expected {spec.Expected(role)}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
