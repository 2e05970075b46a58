using System.Collections.Concurrent;
using System.Net;
using Agora.Contracts.Registry.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.Notifications.Tests.Fakes;

/// <summary>
/// The registry's side of contact look-ups, hosted for real on loopback: a token endpoint (HTTP/1.1,
/// client credentials) and the <c>agora.registry.v1.Contacts</c> gRPC service (HTTP/2) that demands
/// a token it issued with the scope <c>registry.contacts</c>.
/// </summary>
public sealed class FakeRegistry : IAsyncDisposable
{
    public const string ClientId = "agora-notifications";
    public const string ClientSecret = "test-secret";
    private WebApplication? app;

    private ListenOptions? tokenListen;
    private ListenOptions? grpcListen;

    /// <summary>The ports the system gave on start (binding port 0 leaves no gap for another socket to take them).</summary>
    public int TokenPort => Bound(tokenListen);
    public int GrpcPort => Bound(grpcListen);

    private static int Bound(ListenOptions? listen) => (listen?.IPEndPoint ?? throw new InvalidOperationException("The fake registry is not started.")).Port;

    public ConcurrentDictionary<Guid, ContactDetailsReply> Contacts { get; } = new();
    public ConcurrentDictionary<string, string> IssuedTokens { get; } = new();
    public int TokenRequests => tokenRequests;
    public int Lookups => lookups;
    public int RejectedLookups => rejected;
    /// <summary>Calls to <c>GetContactDetailsBatch</c> (each counts its participants in <see cref="Lookups"/> too).</summary>
    public int BatchLookups => batchLookups;
    /// <summary>Participant look-ups through the one-by-one call.</summary>
    public int SingleLookups => singleLookups;
    /// <summary>False: the batch call answers Unimplemented, as a registry without it would.</summary>
    public bool BatchSupported { get; set; } = true;
    private int tokenRequests;
    private int lookups;
    private int rejected;
    private int batchLookups;
    private int singleLookups;

    public void Add(Guid participantId, string? email, string? phone = null, string language = "ar", params string[] fallbacks)
    {
        var reply = new ContactDetailsReply { ParticipantId = participantId.ToString(), Email = email ?? "", Phone = phone ?? "", PreferredLanguage = language };
        reply.FallbackLanguages.AddRange(fallbacks);
        Contacts[participantId] = reply;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "FakeRegistry", ContentRootPath = Path.GetTempPath() });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, o =>
            {
                o.Protocols = HttpProtocols.Http1;
                tokenListen = o;
            });
            k.Listen(IPAddress.Loopback, 0, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                grpcListen = o;
            });
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        app = builder.Build();
        app.MapPost("/connect/token", async (HttpContext http) =>
        {
            Interlocked.Increment(ref tokenRequests);
            var form = await http.Request.ReadFormAsync();
            if (form["grant_type"] != "client_credentials" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }
            var token = Guid.NewGuid().ToString("N");
            IssuedTokens[token] = form["scope"].ToString();
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 3600 });
        });
        app.MapGrpcService<ContactsService>();
        await app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private sealed class ContactsService(FakeRegistry registry) : Agora.Contracts.Registry.V1.Contacts.ContactsBase
    {
        private void Authorize(ServerCallContext context)
        {
            var header = context.RequestHeaders.GetValue("authorization") ?? "";
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !registry.IssuedTokens.TryGetValue(header["Bearer ".Length..], out var scope)
                || !scope.Split(' ').Contains("registry.contacts"))
            {
                Interlocked.Increment(ref registry.rejected);
                throw new RpcException(new Status(StatusCode.Unauthenticated, "A registry.contacts token is required."));
            }
        }

        public override Task<ContactDetailsBatchReply> GetContactDetailsBatch(GetContactDetailsBatchRequest request, ServerCallContext context)
        {
            if (!registry.BatchSupported)
            {
                throw new RpcException(new Status(StatusCode.Unimplemented, "Not here."));
            }
            Authorize(context);
            Interlocked.Increment(ref registry.batchLookups);
            var reply = new ContactDetailsBatchReply();
            foreach (var text in request.ParticipantIds)
            {
                Interlocked.Increment(ref registry.lookups);
                if (Guid.TryParse(text, out var id) && registry.Contacts.TryGetValue(id, out var contact))
                {
                    reply.Contacts.Add(contact);
                }
                else
                {
                    reply.UnknownParticipantIds.Add(text);
                }
            }
            return Task.FromResult(reply);
        }

        public override Task<ContactDetailsReply> GetContactDetails(GetContactDetailsRequest request, ServerCallContext context)
        {
            Authorize(context);
            Interlocked.Increment(ref registry.lookups);
            Interlocked.Increment(ref registry.singleLookups);
            return Guid.TryParse(request.ParticipantId, out var id) && registry.Contacts.TryGetValue(id, out var reply)
                ? Task.FromResult(reply)
                : throw new RpcException(new Status(StatusCode.NotFound, "No such participant."));
        }
    }
}
