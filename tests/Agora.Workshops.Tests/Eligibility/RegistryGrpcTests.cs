using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Workshops.Data;
using Agora.Testing;

namespace Agora.Workshops.Tests.Eligibility;

/// <summary>The service with its production eligibility path: the gRPC client configured by <c>Workshops:RegistryGrpc</c>.</summary>
public sealed class RealRegistryFactory : Agora.Testing.ServiceFactory<WorkshopsMarker, WorkshopsDbContext>
{
    public RealRegistryFactory() : base("workshopsdb")
    {
    }

    public FakeParticipantsRegistry Registry { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Workshops:RegistryGrpc", $"http://127.0.0.1:{Registry.Port}")];

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

public sealed class RegistryGrpcTests(RealRegistryFactory factory) : IClassFixture<RealRegistryFactory>
{
    [Fact]
    public async Task Registration_asks_the_registry_over_gRPC_and_only_active_participants_get_in()
    {
        var sessionId = (await OpenSessionsAsync(firstDay: 30, count: 1))[0];
        var (active, pending, unknown, crashing) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        factory.Registry.Statuses[active] = "active";
        factory.Registry.Statuses[pending] = "pending";
        factory.Registry.Statuses[crashing] = "crash";

        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(active, sessionId)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await RegisterAsync(pending, sessionId)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await RegisterAsync(unknown, sessionId)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await RegisterAsync(crashing, sessionId)).StatusCode);
    }

    [Fact]
    public async Task Only_participants_adhered_to_the_current_founding_call_get_in_unless_the_registry_predates_versions()
    {
        var sessionId = (await OpenSessionsAsync(firstDay: 29, count: 1))[0];
        var (adhered, outdated, oldRegistry, oldRegistryPending) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        factory.Registry.Statuses[adhered] = factory.Registry.Statuses[outdated] = factory.Registry.Statuses[oldRegistry] = "active";
        factory.Registry.Statuses[oldRegistryPending] = "pending";
        factory.Registry.FoundingCall[adhered] = (2, 2);
        factory.Registry.FoundingCall[outdated] = (1, 2);

        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(adhered, sessionId)).StatusCode);
        await AssertOutdatedAsync(await RegisterAsync(outdated, sessionId));
        // A registry older than the versions sends 0 for both: the status alone decides.
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(oldRegistry, sessionId)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await RegisterAsync(oldRegistryPending, sessionId)).StatusCode);
    }

    [Fact]
    public async Task An_outdated_answer_is_not_remembered_so_a_participant_who_adheres_again_gets_in_at_once()
    {
        var sessionId = (await OpenSessionsAsync(firstDay: 28, count: 1))[0];
        var participant = Guid.NewGuid();
        factory.Registry.Statuses[participant] = "active";
        factory.Registry.FoundingCall[participant] = (1, 2);
        await AssertOutdatedAsync(await RegisterAsync(participant, sessionId));

        factory.Registry.FoundingCall[participant] = (2, 2); // POST /api/registry/me/adherence at the registry

        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(participant, sessionId)).StatusCode);
        Assert.Equal(2, factory.Registry.Calls[participant]);
    }

    [Fact]
    public async Task An_eligible_answer_is_remembered_for_a_short_time_a_refusal_or_an_outage_is_not()
    {
        var sessions = await OpenSessionsAsync(firstDay: 31, count: 3);
        var (active, pending, crashing) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        factory.Registry.Statuses[active] = "active";
        factory.Registry.Statuses[pending] = "pending";
        factory.Registry.Statuses[crashing] = "crash";

        foreach (var s in sessions)
        {
            Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(active, s)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await RegisterAsync(pending, s)).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await RegisterAsync(crashing, s)).StatusCode);
        }

        Assert.Equal(1, factory.Registry.Calls[active]);
        Assert.Equal(3, factory.Registry.Calls[pending]);
        Assert.True(factory.Registry.Calls[crashing] >= 3);
    }

    private Task<HttpResponseMessage> RegisterAsync(Guid participant, Guid session) =>
        factory.ClientFor(participant, Agora.ServiceDefaults.Roles.Participant).PostAsync($"/api/workshops/sessions/{session}/registrations", null);

    private static async Task AssertOutdatedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/founding-call-adherence-outdated", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Contains("/api/registry/me/adherence", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>An open workshop with <paramref name="count"/> online sessions on consecutive days from <paramref name="firstDay"/>.</summary>
    private async Task<List<Guid>> OpenSessionsAsync(int firstDay, int count)
    {
        var steering = factory.ClientFor(Guid.NewGuid(), Agora.ServiceDefaults.Roles.Steering);
        var created = await steering.PostAsJsonAsync("/api/workshops/workshops", Arrange.WorkshopBody([], []));
        var workshop = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await steering.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/status", new { status = "open" })).StatusCode);
        var sessions = new List<Guid>();
        for (var day = firstDay; day < firstDay + count; day++)
        {
            var session = await steering.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/sessions",
                new { start = Arrange.Local(day, 9), end = Arrange.Local(day, 10), mode = "online", link = "https://meet.example.tn/r", capacity = 10 });
            sessions.Add((await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }
        return sessions;
    }
}
