using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Agora.Notifications.Tests.Fakes;

/// <summary>An SMS provider's HTTP API on loopback (a real Kestrel server) that records the messages it accepts.</summary>
public sealed class FakeSmsProvider : IAsyncDisposable
{
    private WebApplication? app;
    private ListenOptions? listen;

    /// <summary>The port the system gave on start (binding port 0 leaves no gap for another socket to take it).</summary>
    public int Port => (listen?.IPEndPoint ?? throw new InvalidOperationException("The fake SMS provider is not started.")).Port;

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/sms/");

    public ConcurrentQueue<JsonElement> Accepted { get; } = new();

    /// <summary>Status codes to answer next, in order (then 202).</summary>
    public ConcurrentQueue<int> NextStatuses { get; } = new();

    public int Requests => requests;
    private int requests;

    public IReadOnlyList<JsonElement> To(string phone) => Accepted.Where(m => m.GetProperty("to").GetString() == phone).ToList();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "FakeSms", ContentRootPath = Path.GetTempPath() });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => listen = o));
        app = builder.Build();
        app.MapPost("/sms/messages", async (HttpContext http) =>
        {
            Interlocked.Increment(ref requests);
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
            if (NextStatuses.TryDequeue(out var status) && status >= 300)
            {
                return Results.StatusCode(status);
            }
            Accepted.Enqueue(body);
            return Results.Json(new { id = Guid.NewGuid() }, statusCode: 202);
        });
        await app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
