using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Bench;
using Agora.Contracts.Registry.V1;
using Agora.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Npgsql;

// Registrations through the gateway under contention: N concurrent registrations spread over S
// sessions of C seats, all fired at once. Real processes: the workshops service and the gateway
// (Release builds), real PostgreSQL and RabbitMQ. The registry is stood in for by this program: an
// OpenID discovery + JWKS endpoint that signs the participants' tokens, and a gRPC Participants
// service answering "active". Prints a Markdown report on stdout.
// PostgreSQL and RabbitMQ are the tests' (TestInfrastructure: AGORA_TEST_* as run.sh sets them).
//   dotnet Agora.Bench.Workshops.dll <workshops-bin-dir> <gateway-bin-dir> [registrations] [sessions] [capacity]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Agora.Bench.Workshops <workshops-dir> <gateway-dir> [registrations=2000] [sessions=20] [capacity=50]");
    return 2;
}
var (workshopsDir, gatewayDir) = (args[0], args[1]);
var registrations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000;
var sessionCount = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20;
var capacity = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 50;

var (authPort, registryPort, restPort, grpcPort, gatewayPort, gatewayGrpcPort) = (BenchHost.FreePort(), BenchHost.FreePort(), BenchHost.FreePort(), BenchHost.FreePort(), BenchHost.FreePort(), BenchHost.FreePort());
var authority = $"http://127.0.0.1:{authPort}/";
var issuer = new StandInIssuer(authority);

// --- stand-in registry: OIDC discovery + JWKS, and gRPC eligibility ---
var fake = WebApplication.CreateSlimBuilder();
fake.Logging.ClearProviders();
fake.WebHost.ConfigureKestrel(k =>
{
    k.Listen(IPAddress.Loopback, authPort, o => o.Protocols = HttpProtocols.Http1);
    k.Listen(IPAddress.Loopback, registryPort, o => o.Protocols = HttpProtocols.Http2);
});
fake.Services.AddGrpc();
var fakeApp = fake.Build();
issuer.MapEndpoints(fakeApp);
fakeApp.MapGrpcService<ActiveParticipants>();
await fakeApp.StartAsync();

// --- a fresh database and vhost for this run (both removed at the end) ---
var infra = await TestInfrastructure.GetAsync();
var database = await infra.CreateDatabaseAsync("bench_workshops");
var vhost = await infra.CreateVirtualHostAsync("bench_workshops");

var children = new List<Process>();
var workshopsEnv = new Dictionary<string, string>
{
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
    ["ConnectionStrings__workshopsdb"] = database,
    ["ConnectionStrings__rabbitmq"] = vhost.ToString(),
    ["Agora__RestPort"] = $"{restPort}",
    ["Agora__GrpcPort"] = $"{grpcPort}",
    ["Agora__Auth__Authority"] = authority,
    ["Workshops__RegistryGrpc"] = $"http://127.0.0.1:{registryPort}",
    ["Logging__LogLevel__Default"] = "Warning",
};
var migrate = BenchHost.Start(workshopsDir, "Agora.Workshops.dll", "--migrate", workshopsEnv);
await migrate.WaitForExitAsync();
if (migrate.ExitCode != 0)
{
    Console.Error.WriteLine("migration failed");
    return 1;
}
try
{
    children.Add(BenchHost.Start(workshopsDir, "Agora.Workshops.dll", "", workshopsEnv));
    children.Add(BenchHost.Start(gatewayDir, "Agora.Gateway.dll", "", new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Agora__RestPort"] = $"{gatewayPort}",
        ["Agora__GrpcPort"] = $"{gatewayGrpcPort}",
        ["Agora__Auth__Authority"] = authority,
        ["Gateway__RateLimitPermits"] = "100000000",
        ["ReverseProxy__Clusters__workshops__Destinations__primary__Address"] = $"http://127.0.0.1:{grpcPort}",
        ["Logging__LogLevel__Default"] = "Warning",
    }));

    var gateway = new Uri($"http://127.0.0.1:{gatewayPort}/");
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = gateway,
        Timeout = TimeSpan.FromSeconds(180),
    };
    for (var i = 0; ; i++)
    {
        try
        {
            if ((await http.GetAsync(new Uri($"http://127.0.0.1:{restPort}/health/live"))).IsSuccessStatusCode
                && (await http.GetAsync("api/workshops/workshops")).IsSuccessStatusCode)
            {
                break;
            }
        }
        catch (HttpRequestException) when (i < 120)
        {
        }
        if (i >= 120)
        {
            throw new TimeoutException("the services did not come up");
        }
        await Task.Delay(500);
    }

    // --- arrange through the gateway: a workshop, open, with its sessions ---
    var steering = issuer.Token(Guid.NewGuid(), "steering");
    async Task<JsonElement> Send(HttpMethod method, string path, string token, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }
    var workshop = (await Send(HttpMethod.Post, "api/workshops/workshops", steering, new
    {
        theme = "bench",
        title = new { ar = "ورشة", fr = "Atelier", en = "Workshop" },
        facilitatorIds = Array.Empty<Guid>(),
        rapporteurIds = Array.Empty<Guid>(),
    })).GetProperty("id").GetGuid();
    await Send(HttpMethod.Post, $"api/workshops/workshops/{workshop}/status", steering, new { status = "open" });
    var day = DateTime.UtcNow.Date.AddDays(30);
    var sessions = new List<Guid>();
    for (var s = 0; s < sessionCount; s++)
    {
        sessions.Add((await Send(HttpMethod.Post, $"api/workshops/workshops/{workshop}/sessions", steering, new
        {
            start = day.AddMinutes(s).ToString("yyyy-MM-dd'T'09:mm", CultureInfo.InvariantCulture),
            end = day.ToString("yyyy-MM-dd'T'17:00", CultureInfo.InvariantCulture),
            mode = "in_person",
            venue = "Bench hall",
            room = $"room-{s}",
            capacity,
        })).GetProperty("id").GetGuid());
    }
    var tokens = Enumerable.Range(0, registrations).Select(_ => issuer.Token(Guid.NewGuid(), "participant")).ToArray();

    // Warm-up on a separate session, not measured: the JWKS fetch, the pools, and the JIT. The
    // runtime's tiered compilation first runs every method unoptimised and recompiles the ones called
    // often (after 30 calls, in the background, once the process has been quiet for a moment), so a
    // service measured right after its start measures unoptimised code. Waves of registrations with
    // pauses between them let that finish, as it has in a service that has been up for a while.
    var warm = (await Send(HttpMethod.Post, $"api/workshops/workshops/{workshop}/sessions", steering, new
    {
        start = day.AddDays(1).ToString("yyyy-MM-dd'T'09:00", CultureInfo.InvariantCulture),
        end = day.AddDays(1).ToString("yyyy-MM-dd'T'10:00", CultureInfo.InvariantCulture),
        mode = "online", link = "https://meet.example.tn/warm", capacity = 10,
    })).GetProperty("id").GetGuid();
    const int warmWaves = 8, warmPerWave = 150;
    // Unmeasured, so a warm-up request that fails (e.g. the first gRPC calls past their deadline on a
    // loaded box) does not stop the run; what it answered is reported.
    var warmStatuses = new List<int>();
    for (var wave = 0; wave < warmWaves; wave++)
    {
        warmStatuses.AddRange(await Task.WhenAll(Enumerable.Range(0, warmPerWave).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/workshops/sessions/{warm}/registrations");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Token(Guid.NewGuid(), "participant"));
            using var response = await http.SendAsync(request);
            return (int)response.StatusCode;
        })));
        await Task.Delay(TimeSpan.FromSeconds(2));
    }
    // Then until the services are idle (the background recompilation done): under 30 ms of CPU in a second, 20 s at most.
    var settled = Stopwatch.StartNew();
    for (var busy = true; busy && settled.Elapsed < TimeSpan.FromSeconds(20);)
    {
        var before = children.Select(BenchHost.CpuTime).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(1));
        busy = children.Select(BenchHost.CpuTime).Zip(before, (a, b) => (a - b).TotalMilliseconds).Any(ms => ms > 30);
    }
    var settledAfter = settled.Elapsed.TotalSeconds;

    // --- the measured burst: every registration released at once ---
    var latencies = new double[registrations];
    var statuses = new int[registrations];
    var outcome = new string?[registrations];
    var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var firstError = new System.Collections.Concurrent.ConcurrentDictionary<int, string>();
    var clock = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, registrations).Select(i => Task.Run(async () =>
    {
        await go.Task;
        var started = clock.Elapsed.TotalMilliseconds;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/workshops/sessions/{sessions[i % sessionCount]}/registrations");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i]);
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            statuses[i] = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                firstError.TryAdd(statuses[i], body.Length > 300 ? body[..300] : body);
            }
            else
            {
                outcome[i] = JsonDocument.Parse(body).RootElement.GetProperty("status").GetString();
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            statuses[i] = -1;
            firstError.TryAdd(-1, e.GetType().Name + ": " + e.Message);
        }
        latencies[i] = clock.Elapsed.TotalMilliseconds - started;
    })).ToList();
    var cpuBefore = children.Select(BenchHost.CpuTime).ToArray();
    var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var burstStart = clock.Elapsed.TotalMilliseconds;
    go.SetResult();
    await Task.WhenAll(tasks);
    var wall = (clock.Elapsed.TotalMilliseconds - burstStart) / 1000;
    var selfAfter = Process.GetCurrentProcess().TotalProcessorTime;
    // The registrations' events leave through the outbox relay: its work belongs to them too.
    await using (var c = new NpgsqlConnection(database))
    {
        await c.OpenAsync();
        for (var i = 0; i < 120; i++)
        {
            await using var q = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL", c);
            if (Convert.ToInt64(await q.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 0)
            {
                break;
            }
            await Task.Delay(500);
        }
    }
    var cpuAfter = children.Select(BenchHost.CpuTime).ToArray();
    // Per registration actually made (201): requests that failed did only part of the work.
    double PerRequest(TimeSpan before, TimeSpan after) => (after - before).TotalMilliseconds / Math.Max(1, statuses.Count(s => s == 201));

    // --- verify: never more confirmed than seats, in the API and in the database ---
    var overbooked = 0;
    var rows = new List<(int Confirmed, int Waitlisted)>();
    foreach (var s in sessions)
    {
        var view = await Send(HttpMethod.Get, $"api/workshops/sessions/{s}", steering, null);
        var confirmed = view.GetProperty("confirmed").GetInt32();
        rows.Add((confirmed, view.GetProperty("waitlisted").GetInt32()));
        if (confirmed > capacity)
        {
            overbooked++;
        }
    }
    await using (var c = new NpgsqlConnection(database))
    {
        await c.OpenAsync();
        await using var q = new NpgsqlCommand(
            "SELECT count(*) FROM (SELECT s.id FROM sessions s JOIN registrations r ON r.session_id = s.id AND r.status = 'confirmed' GROUP BY s.id, s.capacity HAVING count(*) > s.capacity) x", c);
        overbooked += Convert.ToInt32(await q.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    var sorted = latencies.Order().ToArray();
    double P(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    var inv = CultureInfo.InvariantCulture;
    Console.WriteLine($"| registrations | sessions × seats | wall (s) | throughput (req/s) | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | 201 | other status | confirmed | waitlisted | overbooked sessions |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    Console.WriteLine(string.Create(inv, $"| {registrations} | {sessionCount} × {capacity} | {wall:F2} | {registrations / wall:F0} | {P(0.50):F0} | {P(0.90):F0} | {P(0.99):F0} | {sorted[^1]:F0} | {statuses.Count(s => s == 201)} | {string.Join(", ", statuses.Where(s => s != 201).GroupBy(s => s).Select(g => $"{g.Key}×{g.Count()}"))} | {outcome.Count(o => o == "confirmed")} | {outcome.Count(o => o == "waitlisted")} | {overbooked} |"));
    Console.WriteLine();
    Console.WriteLine(string.Create(inv,
        $"CPU time per registration made (201; user + system, from the burst until the outbox is drained): workshops {PerRequest(cpuBefore[0], cpuAfter[0]):F2} ms, gateway {PerRequest(cpuBefore[1], cpuAfter[1]):F2} ms; load generator + stand-in registry (burst only) {PerRequest(selfBefore, selfAfter):F2} ms. PostgreSQL and RabbitMQ are not counted."));
    Console.WriteLine();
    Console.WriteLine(string.Create(inv, $"Warm-up ({warmWaves} waves of {warmPerWave} registrations with 2 s pauses, then {settledAfter:F0} s until the services were idle; not measured): {string.Join(", ", warmStatuses.GroupBy(s => s).Select(g => $"{g.Key}×{g.Count()}"))}."));
    Console.WriteLine();
    Console.WriteLine(string.Create(inv, $"Per session (confirmed/waitlisted): {string.Join(" ", rows.Select(r => $"{r.Confirmed}/{r.Waitlisted}"))}"));
    foreach (var (status, body) in firstError)
    {
        Console.WriteLine();
        Console.WriteLine($"First response with status {status}: `{body.ReplaceLineEndings(" ")}`");
    }
    return overbooked == 0 ? 0 : 1;
}
finally
{
    foreach (var p in children)
    {
        try
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }
    }
    await fakeApp.StopAsync();
    await BenchHost.DropDatabaseAsync(infra.PostgresServer, database);
    await infra.DeleteVirtualHostAsync(vhost);
}

internal sealed class ActiveParticipants : Participants.ParticipantsBase
{
    public override Task<ParticipantReply> GetParticipant(GetParticipantRequest request, ServerCallContext context) =>
        Task.FromResult(new ParticipantReply { ParticipantId = request.ParticipantId, Kind = "individual", Status = "active", PreferredLanguage = "ar" });
}
