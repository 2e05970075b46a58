using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agora.Notifications.Tests.Fakes;

/// <summary>
/// An SMTP endpoint that misbehaves on its first <see cref="Drops"/> connections — it accepts the
/// envelope, lets the client start sending the message, then drops the connection mid-message —
/// and forwards every later connection to a real SMTP server.
/// </summary>
public sealed class FlakySmtpFront : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly int target;
    private readonly CancellationTokenSource stop = new();
    private int remainingDrops;

    public FlakySmtpFront(int targetPort, int drops)
    {
        target = targetPort;
        remainingDrops = drops;
        listener = new TcpListener(IPAddress.Loopback, 0); // the system's port: no gap for another socket to take it
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public int Dropped => dropped;
    private int dropped;

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Interlocked.Decrement(ref remainingDrops) >= 0 ? DropMidMessageAsync(client) : ForwardAsync(client);
        }
    }

    private async Task DropMidMessageAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
                await Say("220 flaky.test ESMTP");
                while (await reader.ReadLineAsync() is { } line)
                {
                    var command = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                    if (command is "EHLO" or "HELO")
                    {
                        await Say("250 flaky.test");
                    }
                    else if (command is "MAIL" or "RCPT" or "RSET" or "NOOP")
                    {
                        await Say("250 OK");
                    }
                    else if (command == "DATA")
                    {
                        await Say("354 Start mail input");
                        var buffer = new char[64];
                        await reader.ReadAsync(buffer);
                        Interlocked.Increment(ref dropped);
                        client.Client.LingerState = new LingerOption(true, 0);
                        return;
                    }
                    else
                    {
                        await Say("221 Bye");
                        return;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
            }
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var outbound = new TcpClient();
        using (client)
        {
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, target);
                await Task.WhenAny(client.GetStream().CopyToAsync(outbound.GetStream()), outbound.GetStream().CopyToAsync(client.GetStream()));
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        listener.Dispose();
        stop.Dispose();
    }
}
