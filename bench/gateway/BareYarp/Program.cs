// The gateway bench's reference: YARP 2.3.0 and nothing else (no telemetry, logging, rate limiting, token check or
// headers of our own) forwarding /api/registry/** to the registry, with the same runtime settings as the services
// (Directory.Build.props). What the gateway costs over it is what our own pipeline adds.
//   dotnet Agora.Bench.BareYarp.dll <listen port> <destination base address>
using Yarp.ReverseProxy.Configuration;

var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var builder = WebApplication.CreateBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Listen(System.Net.IPAddress.Loopback, port);
});
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "registry", ClusterId = "registry", Match = new RouteMatch { Path = "/api/registry/{**rest}" } }],
    [new ClusterConfig
    {
        ClusterId = "registry",
        Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal) { ["registry"] = new() { Address = args[1] } },
    }]);
var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
