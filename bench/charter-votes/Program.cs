using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Agora.Charter;
using Agora.Charter.Data;
using Agora.Charter.Statements;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

// Votes stored durably through the charter service's HTTP pipeline (auth, validation, EF Core, PostgreSQL commit),
// in process (TestServer: no sockets, no gateway). Usage: [concurrency] [seconds]
var concurrency = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 32;
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;

// WebApplicationFactory looks for the service's content root next to a test project; point it at the service.
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_AGORA_CHARTER",
    Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../services/Charter/Agora.Charter")));
await using var factory = new ServiceFactory<CharterMarker, CharterDbContext>("charterdb");
await ((Xunit.IAsyncLifetime)factory).InitializeAsync();
Guid[] statements;
await using (var scope = factory.Scope(out var db))
{
    var list = Enumerable.Range(0, 50).Select(i =>
    {
        var s = Statement.Create(Conversation.MainId, "bench", "fr", $"Énoncé {i}", null, DateTimeOffset.UtcNow);
        s.Status = StatementStatus.Accepted;
        return s;
    }).ToList();
    db.Statements.AddRange(list);
    await db.SaveChangesAsync();
    statements = [.. list.Select(s => s.Id)];
}

string[] values = ["agree", "disagree", "pass"];
async Task<List<double>> Worker(int seed, DateTime until, bool record)
{
    var client = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
    var rng = new Random(seed);
    var latencies = new List<double>();
    while (DateTime.UtcNow < until)
    {
        var sw = Stopwatch.StartNew();
        var response = await client.PostAsJsonAsync($"/api/charter/statements/{statements[rng.Next(statements.Length)]}/votes", new { value = values[rng.Next(3)] });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"vote failed: {response.StatusCode}");
        }
        if (record)
        {
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
    }
    return latencies;
}

// Warm-up, then the measured run.
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Worker(i, DateTime.UtcNow.AddSeconds(3), false)));
long before;
await using (var scope = factory.Scope(out var db))
{
    before = await db.Votes.LongCountAsync();
}
using var self = Process.GetCurrentProcess();
var cpuBefore = self.TotalProcessorTime;
var started = Stopwatch.StartNew();
var results = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Worker(1000 + i, DateTime.UtcNow.AddSeconds(seconds), true)));
var elapsed = started.Elapsed.TotalSeconds;
self.Refresh();
var cpuMs = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
var all = results.SelectMany(r => r).Order().ToArray();
long stored;
await using (var scope = factory.Scope(out var db))
{
    stored = await db.Votes.LongCountAsync() - before;
}
double P(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{concurrency} concurrent clients, {seconds} s: {all.Length:N0} votes acknowledged, {stored:N0} stored, {all.Length / elapsed:F0} votes/s; latency p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms, max {all[^1]:F1} ms; service+client CPU {cpuMs / all.Length:F2} ms per vote (PostgreSQL's own CPU not included)"));
