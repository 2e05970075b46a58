using System.Collections.Concurrent;
using System.Net;
using Agora.Contracts.Registry.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Testing;

/// <summary>
/// A stand-in registry: a real gRPC server (Kestrel, HTTP/2) answering <c>agora.registry.v1.Participants/GetParticipant</c>
/// as a test arranges — the eligibility question workshops' registrations and the charter's ballots ask — and
/// <c>CountEligible</c>, the electorate the charter asks for at a ballot's close.
/// </summary>
public sealed class FakeParticipantsRegistry : IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>A participant's status ("active", "pending", "rejected", …); "crash" answers Unavailable; absent: NotFound.</summary>
    public ConcurrentDictionary<Guid, string> Statuses { get; } = new();

    /// <summary>The founding call versions a participant's reply carries (adhered to, current); (0, 0) when absent, as an older registry sends.</summary>
    public ConcurrentDictionary<Guid, (int Adhered, int Current)> FoundingCall { get; } = new();

    /// <summary>How many times each participant was asked about.</summary>
    public ConcurrentDictionary<Guid, int> Calls { get; } = new();

    /// <summary>What <c>CountEligible</c> answers; null (the default): Unavailable, as a registry that is down.</summary>
    public int? Eligible { get; set; }

    /// <summary>The current founding call version <c>CountEligible</c> reports (1 by default).</summary>
    public int CurrentFoundingCallVersion { get; set; } = 1;

    /// <summary>The <c>min_founding_call_version</c> of each <c>CountEligible</c> request, in order.</summary>
    public ConcurrentQueue<int> CountRequests { get; } = new();

    /// <summary>How long <c>CountEligible</c> takes to answer (to outlast a caller's deadline); none by default.</summary>
    public TimeSpan CountDelay { get; set; }

    /// <summary>How many times <c>CountEligible</c> was asked.</summary>
    public int CountCalls => countCalls;

    private int countCalls;

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

    private sealed class Service(FakeParticipantsRegistry registry) : Participants.ParticipantsBase
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
            var (adhered, current) = registry.FoundingCall.GetValueOrDefault(id);
            return Task.FromResult(new ParticipantReply
            {
                ParticipantId = request.ParticipantId, Kind = "individual", Status = status, PreferredLanguage = "ar",
                FoundingCallVersion = adhered, CurrentFoundingCallVersion = current,
            });
        }

        public override async Task<CountEligibleReply> CountEligible(CountEligibleRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref registry.countCalls);
            registry.CountRequests.Enqueue(request.MinFoundingCallVersion);
            if (registry.CountDelay > TimeSpan.Zero)
            {
                await Task.Delay(registry.CountDelay, context.CancellationToken);
            }
            return registry.Eligible is { } eligible
                ? new CountEligibleReply { Eligible = eligible, CurrentFoundingCallVersion = registry.CurrentFoundingCallVersion }
                : throw new RpcException(new Status(StatusCode.Unavailable, "down"));
        }
    }
}
