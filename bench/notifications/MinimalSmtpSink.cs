using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// A minimal SMTP server for the benchmark: speaks EHLO/MAIL/RCPT/DATA/RSET/QUIT (advertising
/// PIPELINING, as Postfix does; commands are answered in order), counts messages and connections,
/// keeps nothing, with Nagle off on its side too.
/// </summary>
internal sealed class MinimalSmtpSink : IDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long count;
    private long connections;

    public MinimalSmtpSink(int port)
    {
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        _ = AcceptAsync();
    }

    public long Count => Interlocked.Read(ref count);
    public long Connections => Interlocked.Read(ref connections);
    public TimeSpan FirstAt { get; private set; }
    public TimeSpan LastAt { get; private set; }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                client.NoDelay = true;
                Interlocked.Increment(ref connections);
                _ = ServeAsync(client);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
                async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
                await Say("220 bench ESMTP");
                while (await reader.ReadLineAsync() is { } line)
                {
                    var command = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                    switch (command)
                    {
                        case "EHLO":
                            await Say("250-bench\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8");
                            break;
                        case "DATA":
                            await Say("354 go ahead");
                            while (await reader.ReadLineAsync() is { } data && data != ".")
                            {
                            }
                            if (Interlocked.Increment(ref count) == 1)
                            {
                                FirstAt = clock.Elapsed;
                            }
                            LastAt = clock.Elapsed;
                            await Say("250 OK queued");
                            break;
                        case "QUIT":
                            await Say("221 bye");
                            return;
                        default:
                            await Say("250 OK");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        listener.Dispose();
        stop.Dispose();
    }
}
