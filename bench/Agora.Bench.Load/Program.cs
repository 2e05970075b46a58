using System.Diagnostics;
using System.Globalization;
using System.Net;

// An open-loop HTTP/1.1 load generator: sends GETs at a fixed rate whatever the server's speed and
// measures each latency from the moment the request was *due*, so a slow server cannot hide its
// queueing (no coordinated omission). wrk measures the maximum rate; this measures latency at a rate.
//   dotnet Agora.Bench.Load.dll <url> <requests-per-second> <seconds> [connections]
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Agora.Bench.Load <url> <requests-per-second> <seconds> [connections]");
    return 2;
}
var url = new Uri(args[0]);
var rate = double.Parse(args[1], CultureInfo.InvariantCulture);
var seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
var connections = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 50;

using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
{
    DefaultRequestVersion = HttpVersion.Version11,
    Timeout = TimeSpan.FromSeconds(10),
};
// Warm the connections up before measuring.
await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ => (await client.GetAsync(url)).Dispose()));

var total = (int)(rate * seconds);
var latencies = new double[total];
var errors = 0;
var inFlight = new List<Task>(total);
var clock = Stopwatch.StartNew();
var next = 0;
while (next < total)
{
    var now = clock.Elapsed.TotalSeconds;
    while (next < total && next / rate <= now)
    {
        var index = next++;
        var due = index / rate;
        inFlight.Add(Task.Run(async () =>
        {
            try
            {
                using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
            }
            latencies[index] = (clock.Elapsed.TotalSeconds - due) * 1000;
        }));
    }
    await Task.Delay(1);
}
await Task.WhenAll(inFlight);
var elapsed = clock.Elapsed.TotalSeconds;
Array.Sort(latencies);
double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"url\":\"{url}\",\"targetRate\":{rate},\"achievedRate\":{total / elapsed:F0},\"requests\":{total},\"errors\":{errors},\"p50Ms\":{P(0.50):F3},\"p90Ms\":{P(0.90):F3},\"p99Ms\":{P(0.99):F3},\"maxMs\":{latencies[^1]:F3}}}"));
return 0;
