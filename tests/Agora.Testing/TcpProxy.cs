using System.Net;
using System.Net.Sockets;

namespace Agora.Testing;

/// <summary>
/// A loopback TCP forwarder a test can cut and restore, to make a real server (the broker, an SMTP
/// server) unreachable for a while without stopping it for other tests.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly List<TcpClient> open = [];
    private readonly Lock gate = new();
    private TcpListener? listener;
    private CancellationTokenSource stop = new();

    public TcpProxy(string host, int port)
    {
        target = new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork), port);
        Port = TestInfrastructure.FreePort();
        Resume();
    }

    public int Port { get; }

    /// <summary>Drops every connection and refuses new ones until <see cref="Resume"/>.</summary>
    public void Cut()
    {
        lock (gate)
        {
            stop.Cancel();
            listener?.Stop();
            listener = null;
            foreach (var client in open)
            {
                client.Dispose();
            }
            open.Clear();
        }
    }

    public void Resume()
    {
        lock (gate)
        {
            stop = new CancellationTokenSource();
            listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _ = AcceptAsync(listener, stop.Token);
        }
    }

    private async Task AcceptAsync(TcpListener server, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await server.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(target, ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }
            lock (gate)
            {
                open.Add(inbound);
                open.Add(outbound);
            }
            _ = PumpAsync(inbound, outbound, ct);
            _ = PumpAsync(outbound, inbound, ct);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken ct)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), ct);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        from.Dispose();
        to.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
