using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Testing;
using Npgsql;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// What clients and probes see when a part of the platform is down: readiness that names what failed, and an
/// unhandled error answered as a bare 500 problem details. Each test starts a process of its own beside the platform,
/// pointed at a port nothing listens on.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class FailureTests(PlatformFixture platform)
{
    [Fact]
    public async Task Gateway_readiness_is_503_and_names_the_destination_that_is_down()
    {
        var closed = TestInfrastructure.FreePort();
        var (process, rest, _) = platform.StartGateway(new Dictionary<string, string>
        {
            ["ReverseProxy__Clusters__charter__Destinations__primary__Address"] = $"http://127.0.0.1:{closed}",
        });
        using var http = new HttpClient { BaseAddress = rest };
        await process.WaitUntilAnswersAsync(http);

        var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var checks = report.GetProperty("checks");
        var down = checks.GetProperty("charter/primary");
        Assert.Equal("Unhealthy", down.GetProperty("status").GetString());
        Assert.Equal($"127.0.0.1:{closed} is unreachable", down.GetProperty("description").GetString());
        foreach (var service in new[] { "registry", "workshops", "notifications" })
        {
            Assert.Equal("Healthy", checks.GetProperty($"{service}/primary").GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task A_service_whose_database_is_down_is_live_but_not_ready()
    {
        var (process, rest) = await StartWithoutDatabaseAsync("Notifications", TestInfrastructure.FreePort());
        using var http = new HttpClient { BaseAddress = rest };
        await process.WaitUntilAnswersAsync(http);

        // The bus connects in the background: wait until the broker's check passes, so that only the database fails.
        var (status, report) = await Eventually.GetAsync(async () =>
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
        }, r => r.Item2.GetProperty("checks").EnumerateObject().Any(c => c.Name != "notificationsdb" && c.Value.GetProperty("status").GetString() == "Healthy"),
            TimeSpan.FromSeconds(60), "the broker's readiness check passes");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var checks = report.GetProperty("checks").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetProperty("status").GetString());
        // The database and what is read from it: the erased participants, without which no token is accepted.
        Assert.Equal(["erased-participants", "notificationsdb"], checks.Where(c => c.Value != "Healthy").Select(c => c.Key).Order());
        Assert.Equal("Unhealthy", checks["notificationsdb"]);
    }

    [Fact]
    public async Task A_service_whose_broker_is_down_is_live_but_not_ready()
    {
        var infra = await TestInfrastructure.GetAsync();
        var closed = TestInfrastructure.FreePort();
        // An empty database of its own: reachable (its readiness check passes), and nothing of the platform's to touch.
        var (process, rest) = platform.StartService("Notifications", new Dictionary<string, string>
        {
            ["ConnectionStrings__notificationsdb"] = await infra.CreateDatabaseAsync("e2e_nobroker"),
            ["ConnectionStrings__rabbitmq"] = $"amqp://guest:guest@127.0.0.1:{closed}/",
        });
        using var http = new HttpClient { BaseAddress = rest };
        await process.WaitUntilAnswersAsync(http);

        var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var checks = report.GetProperty("checks").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["notificationsdb"]);
        Assert.Equal("Unhealthy", checks["masstransit-bus"]);
    }

    [Fact]
    public async Task An_unhandled_exception_is_a_500_problem_details_without_its_message_or_stack_trace()
    {
        // The public directory read from a registry whose database is unreachable: Npgsql's "Failed to connect to
        // 127.0.0.1:<port>" (wrapped by EF Core as "likely due to a transient failure") and nothing in the service turns it
        // into anything else. The processes run in Development, where ASP.NET Core would
        // otherwise answer with the developer exception page.
        var closed = TestInfrastructure.FreePort();
        var (process, rest) = await StartWithoutDatabaseAsync("Registry", closed);
        using var http = new HttpClient { BaseAddress = rest };
        await process.WaitUntilAnswersAsync(http);

        var response = await http.GetAsync(new Uri("/api/registry/directory", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.EndsWith("/server-error", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        // The exception did happen (the service logged its type) and nothing of it reached the client.
        await Eventually.UntilAsync(() => process.Output.Any(l => l.Contains("Unhandled ", StringComparison.Ordinal) && l.Contains("Exception on GET /api/registry/directory", StringComparison.Ordinal)),
            because: "the service logs the unhandled exception's type and the route it failed on");
        Assert.DoesNotContain("transient failure", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Failed to connect", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain($"{closed}", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Npgsql", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\bat [\w.`<>]+\(", body); // a stack frame: "at Namespace.Type.Method("
        Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_has_not_read_its_erased_participants_answers_a_good_token_503_not_401()
    {
        // Notifications started without its database cannot know which participants were erased, so it accepts no token;
        // a good one is told to retry (503), not sent to sign in again (401).
        var (process, rest) = await StartWithoutDatabaseAsync("Notifications", TestInfrastructure.FreePort());
        var email = $"down-{Guid.NewGuid():N}@example.tn";
        const string password = "correct horse battery staple";
        using var gateway = new HttpClient { BaseAddress = platform.GatewayRest };
        var registered = await gateway.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = "Down Test", preferredLanguage = "en", email, password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var http = new HttpClient { BaseAddress = rest };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await SignIn.AccessTokenAsync(platform.GatewayRest, email, password));
        await process.WaitUntilAnswersAsync(http);

        var response = await http.GetAsync(new Uri("/api/notifications/me/inbox", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/service-unavailable", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        // Without a token the answer is still the 401 of any protected route.
        using var anonymous = new HttpClient { BaseAddress = rest };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/notifications/me/inbox", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_registry_without_its_database_stays_up_live_but_not_ready()
    {
        var (process, rest) = await StartWithoutDatabaseAsync("Registry", TestInfrastructure.FreePort());
        using var http = new HttpClient { BaseAddress = rest };
        await process.WaitUntilAnswersAsync(http);

        // Its start-up work (registering the OpenID Connect clients) fails and retries; the host must not stop over it.
        await Eventually.UntilAsync(() => process.Output.Any(l => l.Contains("registry database is not reachable yet", StringComparison.Ordinal)),
            because: "the client seeding met the unreachable database");
        await Task.Delay(TimeSpan.FromSeconds(2));
        using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var report = await ready.Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(process.HasExited, process.OutputText);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("registrydb").GetProperty("status").GetString());
    }

    /// <summary>
    /// Another instance of <paramref name="service"/> whose database address is a port nothing listens on, on a vhost of
    /// its own (it competes for none of the platform's messages).
    /// </summary>
    private async Task<(PlatformProcess Process, Uri RestUri)> StartWithoutDatabaseAsync(string service, int closedPort)
    {
        var infra = await TestInfrastructure.GetAsync();
        var key = service.ToLowerInvariant();
        return platform.StartService(service, new Dictionary<string, string>
        {
            [$"ConnectionStrings__{key}db"] = new NpgsqlConnectionStringBuilder(platform.Databases[key]) { Host = "127.0.0.1", Port = closedPort }.ConnectionString,
            ["ConnectionStrings__rabbitmq"] = (await infra.CreateVirtualHostAsync($"e2e_{key}_nodb")).ToString(),
        });
    }
}
