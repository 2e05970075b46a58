using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Agora.Contracts.Registry.V1;
using Agora.Notifications;
using Agora.Notifications.Data;
using Agora.Testing;
using Grpc.Core;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using SmtpServer;
using SmtpServer.Storage;

// An announcement to N participants, end to end: POST → outbox → RabbitMQ batches → deliveries →
// contact look-ups over gRPC → SMTP into a local server (a minimal sink, counting only).
//   bash bench/notifications/run.sh [recipients=100000] [lanes=4]
//   dotnet run -c Release --project bench/notifications -- [recipients=100000] [concurrency=4]
// Needs AGORA_TEST_POSTGRES / AGORA_TEST_RABBITMQ (eval "$(bash deploy/local/infra.sh env test)").
var recipients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var concurrency = args.Length > 1 ? args[1] : "4";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"announcement to {recipients:N0} recipients, delivery concurrency {concurrency}, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));

// BENCH_SINK=smtpserver uses the SmtpServer library (as the tests do); the default is a minimal sink.
var useLibrary = Environment.GetEnvironmentVariable("BENCH_SINK") == "smtpserver";
var smtpPort = TestInfrastructure.FreePort();
var library = new CountingSink();
using var smtpStop = new CancellationTokenSource();
var smtpRunning = Task.CompletedTask;
using var minimal = useLibrary ? null : new MinimalSmtpSink(smtpPort);
if (useLibrary)
{
    var smtpServer = new SmtpServer.SmtpServer(
        new SmtpServerOptionsBuilder().ServerName("bench").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, smtpPort))).Build(),
        Services(library));
    smtpRunning = smtpServer.StartAsync(smtpStop.Token);
}
var sink = minimal is null ? (ISinkCounter)library : new MinimalCounter(minimal);
Console.WriteLine($"SMTP server: {(useLibrary ? "SmtpServer 11.1.0 library" : "minimal in-process sink")}");

if (Environment.GetEnvironmentVariable("BENCH_SMTP_ONLY") == "1")
{
    // Raw channel check: MailKit straight into the sink over one connection.
    var options = Microsoft.Extensions.Options.Options.Create(new Agora.Notifications.Channels.SmtpOptions { Host = "127.0.0.1", Port = smtpPort });
    await using var channel = new Agora.Notifications.Channels.EmailChannel(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<Agora.Notifications.Channels.EmailChannel>.Instance);
    var raw = Stopwatch.StartNew();
    for (var i = 0; i < recipients; i++)
    {
        var message = Agora.Notifications.Channels.EmailComposer.Compose(new Agora.Notifications.Templates.RenderedMessage("x", "ar", "عنوان", "نص"),
            channel.From, MimeKit.MailboxAddress.Parse($"p{i}@bench.agora.tn"), Guid.NewGuid());
        await channel.SendAsync(message, CancellationToken.None);
    }
    Console.WriteLine($"raw SMTP: {recipients} in {raw.Elapsed.TotalSeconds:F2} s = {recipients / raw.Elapsed.TotalSeconds:F0}/s");
    return 0;
}
var grpcPort = TestInfrastructure.FreePort();
var registryBuilder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Path.GetTempPath(), EnvironmentName = "BenchRegistry" });
registryBuilder.Logging.ClearProviders();
registryBuilder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, grpcPort, o => o.Protocols = HttpProtocols.Http2));
registryBuilder.Services.AddGrpc();
await using var registry = registryBuilder.Build();
registry.MapGrpcService<BenchContacts>();
await registry.StartAsync();

await using var factory = new BenchFactory(smtpPort, grpcPort, concurrency);
await factory.InitializeAsync();
var bus = factory.Services.GetRequiredService<IBusControl>();
while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
{
    await Task.Delay(100);
}

var seed = Stopwatch.StartNew();
await using (var connection = new NpgsqlConnection(factory.DatabaseConnectionString))
{
    await connection.OpenAsync();
    await using var copy = await connection.BeginBinaryImportAsync("COPY participants (participant_id, kind, language, governorate, updated_at) FROM STDIN (FORMAT BINARY)");
    var languages = new[] { "ar", "fr", "en" };
    for (var i = 0; i < recipients; i++)
    {
        await copy.StartRowAsync();
        await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
        await copy.WriteAsync("individual", NpgsqlDbType.Varchar);
        await copy.WriteAsync(languages[i % 3], NpgsqlDbType.Varchar);
        await copy.WriteAsync("tunis", NpgsqlDbType.Varchar);
        await copy.WriteAsync(DateTimeOffset.UtcNow, NpgsqlDbType.TimestampTz);
    }
    await copy.CompleteAsync();
}
Console.WriteLine($"seeded {recipients:N0} participants in {seed.Elapsed.TotalSeconds:F1} s");

var steering = factory.CreateClient().WithToken(TestTokens.For(Guid.NewGuid(), "steering"));
var total = Stopwatch.StartNew();
var response = await steering.PostAsJsonAsync("/api/notifications/announcements", new
{
    segment = "everyone",
    titles = new Dictionary<string, string> { ["ar"] = "الجلسة العامة غدًا", ["fr"] = "La plénière a lieu demain", ["en"] = "The plenary is tomorrow" },
    bodies = new Dictionary<string, string> { ["ar"] = "تنطلق الجلسة العامة للأغورا غدًا على الساعة التاسعة صباحًا.", ["fr"] = "La plénière de l'Agora commence demain à 9 h.", ["en"] = "The Agora plenary starts tomorrow at 9 am." },
});
response.EnsureSuccessStatusCode();
Console.WriteLine($"announcement accepted in {total.Elapsed.TotalMilliseconds:F0} ms: {await response.Content.ReadAsStringAsync()}");

var samples = new List<(double Seconds, long Emails, long Heap, long WorkingSet, double Cpu)>();
using var self = Process.GetCurrentProcess();
var cpuAtPost = self.TotalProcessorTime.TotalSeconds;
var last = 0L;
var stalled = Stopwatch.StartNew();
TimeSpan? first = null;
while (sink.Count < recipients && stalled.Elapsed < TimeSpan.FromSeconds(60))
{
    await Task.Delay(1000);
    var count = sink.Count;
    if (count > 0 && first is null)
    {
        first = sink.FirstAt;
    }
    if (count != last)
    {
        stalled.Restart();
    }
    self.Refresh();
    var cpu = self.TotalProcessorTime.TotalSeconds - cpuAtPost;
    // Every 10th sample, what is really live: a full collection first (the heap figure otherwise
    // includes garbage the non-concurrent workstation GC has not collected yet).
    var live = samples.Count % 10 == 9 ? $"  live after full GC {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0,5:F0} MiB" : "";
    samples.Add((total.Elapsed.TotalSeconds, count, GC.GetTotalMemory(false), self.WorkingSet64, cpu));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{total.Elapsed.TotalSeconds,6:F0} s  emails {count,7:N0}  +{count - last,6:N0}/s  heap {GC.GetTotalMemory(false) / 1048576.0,6:F0} MiB  working set {self.WorkingSet64 / 1048576.0,6:F0} MiB  cpu {cpu,7:F1} s{live}"));
    last = count;
}
var elapsed = total.Elapsed;
var sending = sink.LastAt - sink.FirstAt;
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"emails received: {sink.Count:N0} of {recipients:N0}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"end to end (POST to last email): {elapsed.TotalSeconds:F1} s = {sink.Count / elapsed.TotalSeconds:F0} emails/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first to last email: {sending.TotalSeconds:F1} s = {sink.Count / Math.Max(sending.TotalSeconds, 0.001):F0} emails/s"));
self.Refresh();
var cpuTotal = self.TotalProcessorTime.TotalSeconds - cpuAtPost;
var beforeFirst = samples.LastOrDefault(s => s.Emails == 0);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"CPU of this process (service + registry stub + SMTP sink + bench; PostgreSQL and RabbitMQ not included), from the POST: {cpuTotal:F1} s = {cpuTotal * 1000 / Math.Max(sink.Count, 1):F2} ms per email; before the first email (fan-out) {beforeFirst.Cpu:F1} s, after it {(cpuTotal - beforeFirst.Cpu) * 1000 / Math.Max(sink.Count, 1):F2} ms per email"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SMTP connections: {minimal?.Connections.ToString(CultureInfo.InvariantCulture) ?? "n/a"}; contact look-up calls: {Interlocked.Read(ref BenchContacts.Calls):N0}; load average: {File.ReadAllText("/proc/loadavg").Trim()}"));
var steady = samples.Where(s => s.Emails > recipients / 10 && s.Emails < recipients * 9 / 10).ToList();
if (steady.Count > 0)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"working set between 10% and 90% sent: min {steady.Min(s => s.WorkingSet) / 1048576.0:F0} MiB, max {steady.Max(s => s.WorkingSet) / 1048576.0:F0} MiB; managed heap min {steady.Min(s => s.Heap) / 1048576.0:F0} MiB, max {steady.Max(s => s.Heap) / 1048576.0:F0} MiB"));
}
await using (var scope = factory.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
    var statuses = await db.Deliveries.GroupBy(d => new { d.Channel, d.Status }).Select(g => new { g.Key.Channel, g.Key.Status, Count = g.Count() }).ToListAsync();
    Console.WriteLine("deliveries: " + string.Join(", ", statuses.OrderBy(s => s.Channel).Select(s => $"{s.Channel}/{s.Status} {s.Count:N0}")));
}
await smtpStop.CancelAsync();
try
{
    await smtpRunning;
}
catch (OperationCanceledException)
{
}
return sink.Count == recipients ? 0 : 1;

static SmtpServer.ComponentModel.ServiceProvider Services(IMessageStore store)
{
    var services = new SmtpServer.ComponentModel.ServiceProvider();
    services.Add(store);
    return services;
}

internal interface ISinkCounter
{
    long Count { get; }
    TimeSpan FirstAt { get; }
    TimeSpan LastAt { get; }
}

internal sealed class MinimalCounter(MinimalSmtpSink sink) : ISinkCounter
{
    public long Count => sink.Count;
    public TimeSpan FirstAt => sink.FirstAt;
    public TimeSpan LastAt => sink.LastAt;
}

internal sealed class CountingSink : MessageStore, ISinkCounter
{
    private long count;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public long Count => Interlocked.Read(ref count);
    public TimeSpan FirstAt { get; private set; }
    public TimeSpan LastAt { get; private set; }

    public override Task<SmtpServer.Protocol.SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref count) == 1)
        {
            FirstAt = clock.Elapsed;
        }
        LastAt = clock.Elapsed;
        return Task.FromResult(SmtpServer.Protocol.SmtpResponse.Ok);
    }
}

internal sealed class BenchContacts : Contacts.ContactsBase
{
    public static long Calls;
    /// <summary>BENCH_SINGLE_LOOKUPS=1: the batch call answers Unimplemented (a registry without it), so look-ups go one by one.</summary>
    private static readonly bool SingleOnly = Environment.GetEnvironmentVariable("BENCH_SINGLE_LOOKUPS") == "1";

    private static ContactDetailsReply Reply(string id) => new() { ParticipantId = id, Email = $"p-{id}@bench.agora.tn", PreferredLanguage = "ar" };

    public override Task<ContactDetailsReply> GetContactDetails(GetContactDetailsRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref Calls);
        return Task.FromResult(Reply(request.ParticipantId));
    }

    public override Task<ContactDetailsBatchReply> GetContactDetailsBatch(GetContactDetailsBatchRequest request, ServerCallContext context)
    {
        if (SingleOnly)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "single look-ups only"));
        }
        Interlocked.Increment(ref Calls);
        var reply = new ContactDetailsBatchReply();
        reply.Contacts.AddRange(request.ParticipantIds.Select(Reply));
        return Task.FromResult(reply);
    }
}

internal sealed class BenchFactory(int smtpPort, int grpcPort, string concurrency) : ServiceFactory<NotificationsMarker, NotificationsDbContext>("notificationsdb")
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseContentRoot(Path.Combine(TestInfrastructure.RepositoryRoot(), "services", "Notifications", "Agora.Notifications"));
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Logging:LogLevel:Default", "Warning"),
        new("Notifications:Smtp:Host", "127.0.0.1"),
        new("Notifications:Smtp:Port", smtpPort.ToString(CultureInfo.InvariantCulture)),
        new("Notifications:RegistryGrpc", $"http://127.0.0.1:{grpcPort}"),
        new("Notifications:Auth:TokenEndpoint", ""),
        new("Notifications:Delivery:PollInterval", "00:00:00.100"),
        new("Notifications:Delivery:BatchSize", "200"),
        new("Notifications:Delivery:Concurrency", concurrency),
    ];
}
