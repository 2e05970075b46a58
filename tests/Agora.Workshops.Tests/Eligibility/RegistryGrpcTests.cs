using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Contracts.Registry.V1;
using Agora.Workshops.Data;
using Agora.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Workshops.Tests.Eligibility;

/// <summary>A stand-in registry: a real gRPC server (Kestrel, HTTP/2) answering GetParticipant as a test arranges.</summary>
public sealed class FakeRegistry : IAsyncDisposable
{
    private WebApplication? app;

    public ConcurrentDictionary<Guid, string> Statuses { get; } = new();

    /// <summary>How many times each participant was asked about.</summary>
    public ConcurrentDictionary<Guid, int> Calls { get; } = new();

    public int Port { get; } = TestInfrastructure.FreePort();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private sealed class Service(FakeRegistry registry) : Participants.ParticipantsBase
    {
        public override Task<ParticipantReply> GetParticipant(GetParticipantRequest request, ServerCallContext context)
        {
            var id = Guid.Parse(request.ParticipantId);
            registry.Calls.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (!registry.Statuses.TryGetValue(id, out var status))
            {
                throw new RpcException(new Status(StatusCode.NotFound, "No such participant."));
            }
            if (status == "crash")
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "down"));
            }
            return Task.FromResult(new ParticipantReply { ParticipantId = request.ParticipantId, Kind = "individual", Status = status, PreferredLanguage = "ar" });
        }
    }
}

/// <summary>The service with its production eligibility path: the gRPC client configured by <c>Workshops:RegistryGrpc</c>.</summary>
public sealed class RealRegistryFactory : Agora.Testing.ServiceFactory<WorkshopsMarker, WorkshopsDbContext>
{
    public RealRegistryFactory() : base("workshopsdb")
    {
    }

    public FakeRegistry Registry { get; } = new();

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
        var steering = factory.ClientFor(Guid.NewGuid(), Agora.ServiceDefaults.Roles.Steering);
        var created = await steering.PostAsJsonAsync("/api/workshops/workshops", Arrange.WorkshopBody([], []));
        var workshop = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await steering.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/status", new { status = "open" })).StatusCode);
        var session = await steering.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/sessions",
            new { start = Arrange.Local(30, 9), end = Arrange.Local(30, 10), mode = "online", link = "https://meet.example.tn/r", capacity = 10 });
        var sessionId = (await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var (active, pending, unknown, crashing) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        factory.Registry.Statuses[active] = "active";
        factory.Registry.Statuses[pending] = "pending";
        factory.Registry.Statuses[crashing] = "crash";

        Task<HttpResponseMessage> Register(Guid p) => factory.ClientFor(p, Agora.ServiceDefaults.Roles.Participant).PostAsync($"/api/workshops/sessions/{sessionId}/registrations", null);

        Assert.Equal(HttpStatusCode.Created, (await Register(active)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Register(pending)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Register(unknown)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Register(crashing)).StatusCode);
    }

    [Fact]
    public async Task An_eligible_answer_is_remembered_for_a_short_time_a_refusal_or_an_outage_is_not()
    {
        var steering = factory.ClientFor(Guid.NewGuid(), Agora.ServiceDefaults.Roles.Steering);
        var created = await steering.PostAsJsonAsync("/api/workshops/workshops", Arrange.WorkshopBody([], []));
        var workshop = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await steering.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/status", new { status = "open" })).StatusCode);
        var sessions = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var session = await steering.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/sessions",
                new { start = Arrange.Local(31 + i, 9), end = Arrange.Local(31 + i, 10), mode = "online", link = "https://meet.example.tn/r", capacity = 10 });
            sessions.Add((await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }
        var (active, pending, crashing) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        factory.Registry.Statuses[active] = "active";
        factory.Registry.Statuses[pending] = "pending";
        factory.Registry.Statuses[crashing] = "crash";

        Task<HttpResponseMessage> Register(Guid p, Guid s) => factory.ClientFor(p, Agora.ServiceDefaults.Roles.Participant).PostAsync($"/api/workshops/sessions/{s}/registrations", null);

        foreach (var s in sessions)
        {
            Assert.Equal(HttpStatusCode.Created, (await Register(active, s)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await Register(pending, s)).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Register(crashing, s)).StatusCode);
        }

        Assert.Equal(1, factory.Registry.Calls[active]);
        Assert.Equal(3, factory.Registry.Calls[pending]);
        Assert.True(factory.Registry.Calls[crashing] >= 3);
    }
}
