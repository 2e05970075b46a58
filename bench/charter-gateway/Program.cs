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
// Two measurements after a warm-up: the capacity (wrk closed loop: each connection sends as soon as it has its answer)
// and the latency at a fixed offered rate (open loop, ../Shared/open-loop.lua: latency counted from when each vote was
// due, so stalls are not hidden).
//   dotnet Agora.Charter.GatewayBench.dll <charter-bin-dir> <gateway-bin-dir> <postgres-server-connstring> <amqp-uri> [connections=64] [seconds=30] [participants=2000] [statements=200] [rate=2000] [open-connections=256]
// (connections: the closed loop's; open-connections: the open loop's, on two wrk threads — many participants each on
// their own connection, so one slow answer holds up one of them, not the votes due after it)
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Agora.Charter.GatewayBench <charter-dir> <gateway-dir> <postgres> <amqp> [connections] [seconds] [participants] [statements] [rate] [open-connections]");
    return 2;
}
var (charterDir, gatewayDir, postgres, amqp) = (args[0], args[1], args[2], args[3]);
int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
var (connections, seconds, participantCount, statementCount, rate) = (Arg(4, 64), Arg(5, 30), Arg(6, 2000), Arg(7, 200), Arg(8, 2000));
var openConnections = Arg(9, 256);
const int OpenThreads = 2;

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
        ["ReverseProxy__Clusters__charter__Destinations__primary__Address"] = $"http://127.0.0.1:{grpcPort}",
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
        function make_request()
          local t = tokens[math.random(#tokens)]
          local s = statements[math.random(#statements)]
          return wrk.format("POST", "/api/charter/statements/" .. s .. "/votes",
            { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json" }, bodies[math.random(3)])
        end
        """);
    var closedScript = Path.Combine(work.FullName, "votes-closed.lua");
    await File.WriteAllTextAsync(closedScript, $$"""
        dofile("{{script}}")
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("id", threads)
        end
        function init(args)
          math.randomseed(os.time() * 100 + id)
        end
        request = make_request
        """);
    var openScript = Path.Combine(work.FullName, "votes-open.lua");
    await File.WriteAllTextAsync(openScript, $$"""
        dofile("{{script}}")
        dofile("{{Path.Combine(AppContext.BaseDirectory, "open-loop.lua")}}")
        """);

    async Task<long> StoredAsync()
    {
        await using var c = new NpgsqlConnection(database);
        await c.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM votes", c);
        return (long)(await count.ExecuteScalarAsync())!;
    }
    // wrk's options, the URL, then what the script gets (after "--")
    async Task<string> Wrk(string options, string scriptArguments = "")
    {
        var info = new ProcessStartInfo("wrk", $"{options} {gateway.ToString().TrimEnd('/')} {scriptArguments}")
        {
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(info)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }

    const int Lead = 2; // seconds for wrk to create its threads before the open-loop schedule starts
    string ClosedArgs(int duration, string script) => $"-t2 -c{connections} -d{duration}s --latency -s {script}";
    string OpenArgs(string script) => $"-t{OpenThreads} -c{openConnections} -d{seconds + Lead}s -s {script}";
    var openScriptArgs = $"-- {rate} {OpenThreads}";
    await Wrk(ClosedArgs(10, closedScript)); // warm-up: JIT tiers, connection pools, prepared statements

    static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);
    // wrk's own summary: latency from send, over its duration
    Result Closed(string output)
    {
        string Match(string pattern) => Regex.Match(output, pattern, RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : "?";
        var non2xx = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)") is { Success: true } n ? Long(n.Groups[1].Value) : 0;
        var errors = Match(@"^\s*Socket errors: (.*)$");
        return new Result(Long(Match(@"^\s*(\d+) requests in")), seconds, non2xx, errors == "?" ? null : errors, Due: null,
            $"{Match(@"^\s+50%\s+(\S+)")} / {Match(@"^\s+90%\s+(\S+)")} / **{Match(@"^\s+99%\s+(\S+)")}** / {Match(@"Latency\s+\S+\s+\S+\s+(\S+)")} (from send)");
    }
    // open-loop.lua's line: latency from when due, over the window after the lead
    Result Open(string output)
    {
        var m = Regex.Match(output, @"^open-loop: .*, (\d+) due, answered (\d+) in ([\d.]+) s = .* (\d+) not 2xx, p50 (\S+ ms) p90 (\S+ ms) p95 \S+ ms p99 (\S+ ms) p99\.9 \S+ ms max (\S+ ms)", RegexOptions.Multiline);
        if (!m.Success)
        {
            throw new InvalidOperationException($"no open-loop summary in wrk's output:\n{output}");
        }
        string G(int i) => m.Groups[i].Value;
        var bySecond = Regex.Match(output, @"^open-loop: p99 by second \(ms\): (.*)$", RegexOptions.Multiline);
        return new Result(Long(G(2)), double.Parse(G(3), CultureInfo.InvariantCulture), Long(G(4)), SocketErrors: null, Long(G(1)),
            $"{G(5)} / {G(6)} / **{G(7)}** / {G(8)} (from when due)", bySecond.Success ? bySecond.Groups[1].Value.Trim() : null);
    }
    // Each measurement starts after a pause, so that it does not measure the aftermath of the run before it (the
    // background analysis of the votes it stored, PostgreSQL's autovacuum of the votes table) but its own steady state.
    const int Settle = 15;
    async Task<Run> Measure(Func<string, Result> parse, string options, string scriptArguments = "")
    {
        await Task.Delay(TimeSpan.FromSeconds(Settle));
        var before = await StoredAsync();
        var (charterCpu0, gatewayCpu0) = (BenchHost.CpuTime(charter), BenchHost.CpuTime(gatewayProcess));
        var load0 = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        var output = await Wrk(options, scriptArguments);
        var (charterCpu1, gatewayCpu1) = (BenchHost.CpuTime(charter), BenchHost.CpuTime(gatewayProcess));
        var load1 = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        var stored = await StoredAsync() - before;
        Console.Error.WriteLine(output);
        if (Regex.Match(output, "^open-loop: WARNING.*$", RegexOptions.Multiline) is { Success: true } warning)
        {
            Console.WriteLine(warning.Value);
        }
        return new Run(parse(output), stored, (charterCpu1 - charterCpu0).TotalSeconds, (gatewayCpu1 - gatewayCpu0).TotalSeconds,
            $"{string.Join(' ', load0)} → {string.Join(' ', load1)}");
    }
    var closed = await Measure(Closed, ClosedArgs(seconds, closedScript));
    var paced = await Measure(Open, OpenArgs(openScript), openScriptArgs);
    string Row(string name, Func<Run, string> cell) => $"| {name} | {cell(closed)} | {cell(paced)} |";
    Console.WriteLine(string.Join('\n',
        $"Participants (tokens) × statements: {participantCount:N0} × {statementCount:N0}; PostgreSQL fsync={fsync}; each run {seconds} s, after a 10 s warm-up and a {Settle} s pause before each run.",
        "",
        $"| measure | capacity: closed loop, {connections} connections | offered {rate:N0} votes/s: open loop, {openConnections} connections on {OpenThreads} wrk threads |",
        "|---|---|---|",
        Row("wrk", r => r == closed ? $"`wrk {ClosedArgs(seconds, "votes-closed.lua")}`"
            : $"`wrk {OpenArgs("votes-open.lua")} {openScriptArgs}` ({seconds} s measured after a {Lead} s lead)"),
        Row("requests answered", r => string.Create(CultureInfo.InvariantCulture, $"{r.Wrk.Requests:N0}{(r.Wrk.Due is { } d ? $" of {d:N0} due" : "")} ({r.Wrk.Non2xx:N0} not 2xx{(r.Wrk.SocketErrors is { } e ? $"; socket errors: {e}" : "")})")),
        Row("votes/s (2xx)", r => string.Create(CultureInfo.InvariantCulture, $"**{r.Ok / r.Wrk.Seconds:F0}**")),
        Row("latency p50 / p90 / p99 / max", r => r.Wrk.Latency),
        Row("p99 of each second (ms)", r => r.Wrk.BySecond ?? "—"),
        Row("votes stored during the run", r => string.Create(CultureInfo.InvariantCulture, $"{r.Stored:N0} (2xx answered: {r.Ok:N0})")),
        Row("charter CPU per vote", r => string.Create(CultureInfo.InvariantCulture, $"{r.CharterCpu * 1000 / Math.Max(1, r.Ok):F3} ms ({r.CharterCpu:F1} s)")),
        Row("gateway CPU per vote", r => string.Create(CultureInfo.InvariantCulture, $"{r.GatewayCpu * 1000 / Math.Max(1, r.Ok):F3} ms ({r.GatewayCpu:F1} s)")),
        Row("load average before → after", r => r.Load)));
    return closed.Stored >= closed.Ok && paced.Stored >= paced.Ok ? 0 : 1;
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
    await BenchHost.DropDatabaseAsync(postgres, database);
}

/// <summary>What wrk (or open-loop.lua) reported for one run: answered requests over a window of seconds.</summary>
internal sealed record Result(long Requests, double Seconds, long Non2xx, string? SocketErrors, long? Due, string Latency, string? BySecond = null);

internal sealed record Run(Result Wrk, long Stored, double CharterCpu, double GatewayCpu, string Load)
{
    public long Ok => Wrk.Requests - Wrk.Non2xx;
}
