using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agora.Contracts.Registry.V1;
using Agora.Testing;
using Grpc.Net.Client;
using Npgsql;

namespace Agora.EndToEnd.Tests;

/// <summary>The first slice through the gateway: register → outbox → RabbitMQ → welcome in the inbox.</summary>
[Collection(PlatformCollection.Name)]
public sealed class FirstSliceTests(PlatformFixture platform)
{
    private readonly HttpClient gateway = new() { BaseAddress = platform.GatewayRest };

    [Fact]
    public async Task A_registration_through_the_gateway_reaches_the_inbox_in_one_trace()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var email = $"atfd-{Guid.NewGuid():N}@example.tn";
        const string password = "correct horse battery staple";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/registry/participants")
        {
            Content = JsonContent.Create(new { kind = "individual", displayName = "أمل بن سالم", preferredLanguage = "ar", email, password }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var response = await gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // The participant signs in (authorization code + PKCE through the gateway) and reads their inbox.
        using var signedIn = new HttpClient { BaseAddress = platform.GatewayRest };
        signedIn.DefaultRequestHeaders.Authorization = new("Bearer", await SignIn.AccessTokenAsync(platform.GatewayRest, email, password));
        var inbox = await Eventually.GetAsync(
            async () => (await signedIn.GetFromJsonAsync<JsonElement>($"/api/notifications/participants/{id}/inbox")) is var items && items.ValueKind == JsonValueKind.Array
                ? items : items.GetProperty("items"),
            items => items.EnumerateArray().Any(n => n.GetProperty("category").GetString() == "welcome"), because: "the welcome message is stored");
        var welcome = inbox.EnumerateArray().Single(n => n.GetProperty("category").GetString() == "welcome");
        Assert.Equal(HttpStatusCode.Forbidden, (await signedIn.GetAsync(new Uri($"/api/notifications/participants/{Guid.NewGuid()}/inbox", UriKind.Relative))).StatusCode);
        Assert.Equal("welcome", welcome.GetProperty("category").GetString());
        Assert.Equal("ar", welcome.GetProperty("language").GetString());
        Assert.Equal("rtl", welcome.GetProperty("direction").GetString());
        Assert.Contains("الأغورا", welcome.GetProperty("title").GetString(), StringComparison.Ordinal);

        // One trace: the gateway, the registry and the notifications consumer all logged under the caller's trace id.
        await Eventually.UntilAsync(() => platform.ServiceProcesses["notifications"].Output.Any(l => l.Contains(traceId, StringComparison.Ordinal) && l.Contains(id.ToString(), StringComparison.Ordinal)),
            because: "the consumer logs under the request's trace");
        Assert.Contains(platform.Gateway.Output, l => l.Contains(traceId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_input_gets_400_problem_details_listing_fields_and_writes_nothing()
    {
        var before = await CountParticipantsAsync();
        var response = await gateway.PostAsJsonAsync("/api/registry/participants", new { kind = "club", displayName = "", preferredLanguage = "ar", email = "x@" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["displayName", "email", "kind"], fields);
        Assert.Equal(before, await CountParticipantsAsync());
    }

    [Fact]
    public async Task Malformed_json_gets_400_not_500()
    {
        using var content = new StringContent("{\"kind\": \"individual\", \"displayName\": ", Encoding.UTF8, "application/json");
        var response = await gateway.PostAsync("/api/registry/participants", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_oversized_body_gets_413_problem_details_and_writes_nothing()
    {
        var before = await CountParticipantsAsync();
        var huge = new string('x', 2 * 1024 * 1024);
        var response = await gateway.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = huge, preferredLanguage = "fr", email = "big@example.tn" });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await CountParticipantsAsync());
    }

    [Fact]
    public async Task Too_many_requests_from_one_client_get_429_problem_details()
    {
        var (limitedGateway, rest, _) = platform.StartGateway(new Dictionary<string, string>
        {
            ["Gateway__RateLimitPermits"] = "5",
            ["Gateway__RateLimitWindowSeconds"] = "60",
        });
        using var limited = new HttpClient { BaseAddress = rest };
        await limitedGateway.WaitUntilAnswersAsync(limited);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await limited.GetAsync(new Uri("/api/registry/about", UriKind.Relative));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                rejected ??= response;
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal("application/problem+json", rejected!.Content.Headers.ContentType?.MediaType);
        Assert.True(rejected.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task The_gateway_returns_a_correlation_id_and_security_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/workshops/about");
        request.Headers.Add("X-Correlation-Id", "e2e-correlation-0001");
        var response = await gateway.SendAsync(request);
        var generated = await gateway.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("e2e-correlation-0001", response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Matches("^[0-9a-f]{32}$", generated.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_reports_each_destination()
    {
        var ready = await gateway.GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        var checks = ready.GetProperty("checks").EnumerateObject().Select(c => c.Name).ToArray();
        foreach (var service in new[] { "registry", "workshops", "charter", "notifications" })
        {
            Assert.Contains($"{service}/primary", checks);
        }
    }

    [Fact]
    public async Task The_registry_answers_grpc_through_the_gateway()
    {
        var created = await gateway.PostAsJsonAsync("/api/registry/participants", new { kind = "movement", displayName = "Fech Nestannew", preferredLanguage = "fr", email = $"fn-{Guid.NewGuid():N}@example.tn" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var channel = GrpcChannel.ForAddress(platform.GatewayGrpc);
        var client = new Participants.ParticipantsClient(channel);

        var reply = await client.GetParticipantAsync(new GetParticipantRequest { ParticipantId = id });

        Assert.Equal("movement", reply.Kind);
        Assert.Equal("fr", reply.PreferredLanguage);
        Assert.Equal(0, reply.FoundingCallVersion); // registered without adhering
        Assert.True(reply.CurrentFoundingCallVersion >= 1);
        // Contact details are for the notifications service only: the gateway does not expose them.
        var contacts = new Contacts.ContactsClient(channel);
        var hidden = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await contacts.GetContactDetailsAsync(new GetContactDetailsRequest { ParticipantId = id }));
        Assert.Equal(Grpc.Core.StatusCode.Unimplemented, hidden.StatusCode);
        // Nor the count of eligible participants, which the charter asks the registry for inside the platform.
        var count = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await client.CountEligibleAsync(new CountEligibleRequest()));
        Assert.Equal(Grpc.Core.StatusCode.Unimplemented, count.StatusCode);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwicm9sZSI6InN0ZWVyaW5nIiwiYXVkIjoiYWdvcmEtYXBpIn0.")]
    public async Task The_gateway_stops_requests_with_an_invalid_token(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/registry/participants/{Guid.NewGuid()}");
        request.Headers.Authorization = new("Bearer", token);
        var forged = TestTokens.Create(Guid.NewGuid().ToString(), ["steering"], TimeSpan.FromMinutes(5));
        using var forgedRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/registry/participants/{Guid.NewGuid()}");
        forgedRequest.Headers.Authorization = new("Bearer", forged);

        var response = await gateway.SendAsync(request);
        var forgedResponse = await gateway.SendAsync(forgedRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);
    }

    private async Task<long> CountParticipantsAsync()
    {
        await using var connection = new NpgsqlConnection(platform.Databases["registry"]);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM participants", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
