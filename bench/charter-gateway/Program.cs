using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Agora.Bench;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Npgsql;

// Votes through the gateway, stored durably: real processes (the charter service and the gateway, Release builds),
// a PostgreSQL with fsync on (make run's), RabbitMQ; wrk drives POST /api/charter/statements/{id}/votes with many
// participants' bearer tokens over many statements. The registry is stood in for by this program (OpenID discovery +
// JWKS signing the tokens). Prints a Markdown report on stdout.
//   dotnet Agora.Charter.GatewayBench.dll <charter-bin-dir> <gateway-bin-dir> <postgres-server-connstring> <amqp-uri> [connections=64] [seconds=30] [participants=2000] [statements=200]
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Agora.Charter.GatewayBench <charter-dir> <gateway-dir> <postgres> <amqp> [connections] [seconds] [participants] [statements]");
    return 2;
}
var (charterDir, gatewayDir, postgres, amqp) = (args[0], args[1], args[2], args[3]);
int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
var (connections, seconds, participantCount, statementCount) = (Arg(4, 64), Arg(5, 30), Arg(6, 2000), Arg(7, 200));

var (authPort, restPort, grpcPort, gatewayPort, gatewayGrpcPort) = (BenchHost.FreePort(), BenchHost.FreePort(), BenchHost.FreePort(), BenchHost.FreePort(), BenchHost.FreePort());
var authority = $"http://127.0.0.1:{authPort}/";
var issuer = new StandInIssuer(authority);

// --- stand-in registry: OIDC discovery + JWKS ---
var fake = WebApplication.CreateSlimBuilder();
fake.Logging.ClearProviders();
fake.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, authPort, o => o.Protocols = HttpProtocols.Http1));
var fakeApp = fake.Build();
issuer.MapEndpoints(fakeApp);
await fakeApp.StartAsync();
// --- a fresh database for this run ---
var database = await BenchHost.CreateDatabaseAsync(postgres, "bench_charter_votes");
string fsync;
await using (var c = new NpgsqlConnection(database))
{
    await c.OpenAsync();
    await using var show = new NpgsqlCommand("SELECT current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')", c);
    fsync = (string)(await show.ExecuteScalarAsync())!;
}

var children = new List<Process>();
var charterEnv = new Dictionary<string, string>
{
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
    ["ConnectionStrings__charterdb"] = database,
    ["ConnectionStrings__rabbitmq"] = amqp,
    ["Agora__RestPort"] = $"{restPort}",
    ["Agora__GrpcPort"] = $"{grpcPort}",
    ["Agora__Auth__Authority"] = authority,
    ["Logging__LogLevel__Default"] = "Warning",
};
var migrate = BenchHost.Start(charterDir, "Agora.Charter.dll", "--migrate", charterEnv);
await migrate.WaitForExitAsync();
if (migrate.ExitCode != 0)
{
    Console.Error.WriteLine("migration failed");
    return 1;
}
var work = Directory.CreateTempSubdirectory("charter-votes-");
try
{
    var charter = BenchHost.Start(charterDir, "Agora.Charter.dll", "", charterEnv);
    children.Add(charter);
    var gatewayProcess = BenchHost.Start(gatewayDir, "Agora.Gateway.dll", "", new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Agora__RestPort"] = $"{gatewayPort}",
        ["Agora__GrpcPort"] = $"{gatewayGrpcPort}",
        ["Agora__Auth__Authority"] = authority,
        ["Gateway__RateLimitPermits"] = "100000000",
        ["ReverseProxy__Clusters__charter__Destinations__primary__Address"] = $"http://127.0.0.1:{restPort}",
        ["Logging__LogLevel__Default"] = "Warning",
    });
    children.Add(gatewayProcess);

    var gateway = new Uri($"http://127.0.0.1:{gatewayPort}/");
    using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
    var steering = issuer.Token(Guid.NewGuid(), "steering");
    async Task<JsonElement> Send(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", steering);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }
    for (var i = 0; ; i++)
    {
        try
        {
            if ((await http.GetAsync(new Uri($"http://127.0.0.1:{restPort}/health/live"))).IsSuccessStatusCode)
            {
                await Send(HttpMethod.Get, "api/charter/conversations", null);
                break;
            }
        }
        catch (Exception) when (i < 120)
        {
        }
        if (i >= 120)
        {
            throw new TimeoutException("the services did not come up");
        }
        await Task.Delay(500);
    }

    // --- arrange through the gateway: statements proposed and accepted by steering ---
    const string main = "0192f000-0000-7000-8000-000000000001";
    var statements = new List<string>();
    for (var i = 0; i < statementCount; i++)
    {
        var s = await Send(HttpMethod.Post, $"api/charter/conversations/{main}/statements",
            new { text = $"Énoncé de charge {i}", language = "fr", theme = $"thème {i % 10}" });
        var id = s.GetProperty("id").GetString()!;
        await Send(HttpMethod.Post, $"api/charter/statements/{id}/accept", null);
        statements.Add(id);
    }
    var lua = new StringBuilder();
    lua.Append("tokens = {\n");
    for (var i = 0; i < participantCount; i++)
    {
        lua.Append('"').Append(issuer.Token(Guid.NewGuid(), "participant")).Append("\",\n");
    }
    lua.Append("}\nstatements = {\n");
    foreach (var s in statements)
    {
        lua.Append('"').Append(s).Append("\",\n");
    }
    lua.Append("}\n");
    var dataFile = Path.Combine(work.FullName, "data.lua");
    await File.WriteAllTextAsync(dataFile, lua.ToString());
    var script = Path.Combine(work.FullName, "votes.lua");
    await File.WriteAllTextAsync(script, $$"""
        dofile("{{dataFile}}")
        local bodies = { '{"value":"agree"}', '{"value":"disagree"}', '{"value":"pass"}' }
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("id", threads)
        end
        function init(args)
          math.randomseed(os.time() * 100 + id)
        end
        function request()
          local t = tokens[math.random(#tokens)]
          local s = statements[math.random(#statements)]
          return wrk.format("POST", "/api/charter/statements/" .. s .. "/votes",
            { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json" }, bodies[math.random(3)])
        end
        """);

    async Task<long> StoredAsync()
    {
        await using var c = new NpgsqlConnection(database);
        await c.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM votes", c);
        return (long)(await count.ExecuteScalarAsync())!;
    }
    static double CpuSeconds(Process p)
    {
        // utime + stime of the whole process (all threads), in clock ticks (100 Hz on Linux).
        var stat = File.ReadAllText($"/proc/{p.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
    async Task<string> Wrk(int duration)
    {
        var info = new ProcessStartInfo("wrk", $"-t2 -c{connections} -d{duration}s --latency -s {script} {gateway.ToString().TrimEnd('/')}")
        {
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(info)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }

    await Wrk(10); // warm-up: JIT tiers, connection pools, prepared statements
    var before = await StoredAsync();
    var (charterCpu0, gatewayCpu0) = (CpuSeconds(charter), CpuSeconds(gatewayProcess));
    var load0 = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
    var output = await Wrk(seconds);
    var (charterCpu1, gatewayCpu1) = (CpuSeconds(charter), CpuSeconds(gatewayProcess));
    var load1 = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
    var stored = await StoredAsync() - before;

    string Match(string pattern) => Regex.Match(output, pattern, RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : "?";
    var requests = long.Parse(Match(@"^\s*(\d+) requests in"), CultureInfo.InvariantCulture);
    var non2xx = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)") is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    var errors = Match(@"^\s*Socket errors: (.*)$");
    var ok = requests - non2xx;
    var charterMs = (charterCpu1 - charterCpu0) * 1000 / Math.Max(1, ok);
    var gatewayMs = (gatewayCpu1 - gatewayCpu0) * 1000 / Math.Max(1, ok);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
        | measure | value |
        |---|---|
        | wrk | `wrk -t2 -c{connections} -d{seconds}s --latency -s votes.lua` through the gateway (after a 10 s warm-up) |
        | participants (tokens) × statements | {participantCount:N0} × {statementCount:N0} |
        | PostgreSQL durability | fsync={fsync} |
        | requests | {requests:N0} ({non2xx:N0} not 2xx{(errors == "?" ? "" : $"; socket errors: {errors}")}) |
        | votes/s (2xx) | **{ok / (double)seconds:F0}** (wrk: {Match(@"Requests/sec:\s+([\d.]+)")}) |
        | latency p50 / p90 / p99 / max | {Match(@"^\s+50%\s+(\S+)")} / {Match(@"^\s+90%\s+(\S+)")} / **{Match(@"^\s+99%\s+(\S+)")}** / {Match(@"Latency\s+\S+\s+\S+\s+(\S+)")} |
        | votes stored during the run | {stored:N0} (2xx answered: {ok:N0}) |
        | charter CPU per vote | {charterMs:F3} ms ({charterCpu1 - charterCpu0:F1} s over the run) |
        | gateway CPU per vote | {gatewayMs:F3} ms ({gatewayCpu1 - gatewayCpu0:F1} s over the run) |
        | load average before → after | {string.Join(' ', load0)} → {string.Join(' ', load1)} |
        """));
    Console.Error.WriteLine(output);
    return stored >= ok ? 0 : 1;
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
    work.Delete(recursive: true);
    await using var c = new NpgsqlConnection(postgres);
    await c.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(database).Database}\" WITH (FORCE)", c);
    await drop.ExecuteNonQueryAsync();
}
