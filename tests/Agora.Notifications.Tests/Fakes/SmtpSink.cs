using System.Buffers;
using System.Collections.Concurrent;
using Agora.Testing;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Agora.Notifications.Tests.Fakes;

/// <summary>A real SMTP server in process (SmtpServer library) that keeps what it receives.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Store store;
    private Task running = Task.CompletedTask;

    public SmtpSink()
    {
        Port = TestInfrastructure.FreePort();
        store = new Store(this);
    }

    public int Port { get; }

    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    /// <summary>When set, decides the reply to each message (null = accept); lets a test make the server answer errors.</summary>
    public Func<MimeMessage, SmtpServer.Protocol.SmtpResponse?>? Reply { get; set; }

    public IReadOnlyList<MimeMessage> To(string address) =>
        Received.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    public void Start()
    {
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(store);
        var server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpServer.Protocol.SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            if (sink.Reply?.Invoke(message) is { } reply)
            {
                return reply;
            }
            sink.Received.Enqueue(message);
            return SmtpServer.Protocol.SmtpResponse.Ok;
        }
    }
}
