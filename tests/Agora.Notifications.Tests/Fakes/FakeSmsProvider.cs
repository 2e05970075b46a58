using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Agora.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agora.Notifications.Tests.Fakes;

/// <summary>An SMS provider's HTTP API on loopback (a real Kestrel server) that records the messages it accepts.</summary>
public sealed class FakeSmsProvider : IAsyncDisposable
{
    private WebApplication? app;

    public int Port { get; } = TestInfrastructure.FreePort();

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
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
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
