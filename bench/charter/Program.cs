using System.Diagnostics;
using System.Globalization;
using Agora.Charter.Analysis;

// Synthetic opinion analysis benchmark.
//   recompute [participants] [statements] [votes] [runs]   times VoteMatrixBuilder.Build + OpinionAnalyzer.Analyze
//   memory    [participants] [statements] [votes]          one recompute, then the process's peak working set
var mode = args.Length > 0 ? args[0] : "recompute";
var n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 33_000;
var m = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 800;
var votes = args.Length > 3 ? long.Parse(args[3], CultureInfo.InvariantCulture) : 2_000_000;
var runs = mode == "memory" ? 1 : args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 5;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"mode {mode}: {n:N0} participants x {m:N0} statements, {votes:N0} votes, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));

// Three latent camps; each statement has a loading per camp; votes land on random cells, in arrival order.
var rng = new Random(20261129);
var camp = new byte[n];
for (var p = 0; p < n; p++)
{
    camp[p] = (byte)rng.Next(3);
}
var load = new double[m * 3];
for (var i = 0; i < load.Length; i++)
{
    load[i] = (rng.NextDouble() * 2) - 1;
}
var rows = new int[votes];
var columns = new int[votes];
var values = new sbyte[votes];
for (long i = 0; i < votes; i++)
{
    var p = rng.Next(n);
    var s = rng.Next(m);
    var x = load[(s * 3) + camp[p]] + (rng.NextDouble() - 0.5);
    rows[i] = p;
    columns[i] = s;
    values[i] = (sbyte)(x > 0.3 ? 1 : x < -0.3 ? -1 : 0);
}
var participantKeys = Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
var statementKeys = Enumerable.Range(0, m).Select(i => "s" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

var times = new List<double>();
var cpuTimes = new List<double>();
for (var run = 0; run < runs; run++)
{
    using var me = Process.GetCurrentProcess();
    var cpu0 = me.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var builder = new VoteMatrixBuilder();
    for (var s = 0; s < m; s++)
    {
        builder.AddStatement(statementKeys[s], s % 50 == 49 ? ModerationStatus.ModeratedOut : ModerationStatus.Accepted);
    }
    // Participants get rows on their first vote, as they arrive.
    var row = new int[n];
    Array.Fill(row, -1);
    for (long i = 0; i < votes; i++)
    {
        var p = rows[i];
        if (row[p] < 0)
        {
            row[p] = builder.AddParticipant(participantKeys[p]);
        }
        builder.AddVote(row[p], columns[i], values[i]);
    }
    var matrix = builder.Build();
    var built = sw.Elapsed.TotalMilliseconds;
    var analysis = OpinionAnalyzer.Analyze(matrix);
    var total = sw.Elapsed.TotalMilliseconds;
    me.Refresh();
    var cpu = (me.TotalProcessorTime - cpu0).TotalMilliseconds;
    times.Add(total);
    cpuTimes.Add(cpu);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {run + 1}: build {built:F0} ms, analyze {total - built:F0} ms, total {total:F0} ms wall, {cpu:F0} ms CPU; {matrix.VoteCount:N0} cells, {analysis.Participants:N0} voters, {analysis.Groups.Count} groups, common minimum {analysis.CommonMinimum.Statements.Count}, λ2/λ1 {analysis.Firmness.SecondToFirstEigenRatio:F3}"));
}
times.Sort();
cpuTimes.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"wall: median {times[times.Count / 2]:F0} ms, best {times[0]:F0} ms; CPU (all threads): median {cpuTimes[cpuTimes.Count / 2]:F0} ms, best {cpuTimes[0]:F0} ms"));
using var self = Process.GetCurrentProcess();
self.Refresh();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"peak working set {self.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB (includes the generator's {votes * 9 / (1024.0 * 1024):F0} MiB of raw votes), GC total allocated {GC.GetTotalAllocatedBytes() / (1024.0 * 1024):F0} MiB"));
