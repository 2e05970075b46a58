using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Agora.ServiceDefaults;

/// <summary>What every Agora host shares: ports, telemetry, health and problem details.</summary>
public static class ServiceDefaultsExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>
    /// Listens on <c>Agora:RestPort</c> (HTTP/1.1: probes, direct calls) and <c>Agora:GrpcPort</c> (HTTP/2 only, plain
    /// text: gRPC, and everything the gateway forwards, REST included) at <c>Agora:ListenAddress</c>, and wires telemetry,
    /// health and errors.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        var ports = AgoraPorts.From(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (ports.Rest is int rest)
            {
                kestrel.Listen(ports.Address, rest, o => o.Protocols = HttpProtocols.Http1);
            }
            if (ports.Grpc is int grpc)
            {
                kestrel.Listen(ports.Address, grpc, o => o.Protocols = HttpProtocols.Http2);
            }
        });

        builder.AddAgoraTelemetry();
        // The caller's address from X-Forwarded-For, believed only when the connection comes from a trusted proxy: loopback
        // (the framework's default) and the networks under Agora:TrustedProxies (CIDR, e.g. the pod network the gateway
        // runs in, or the ingress controller's in front of the gateway). Per-IP rate limits then count each client, not
        // the proxy that all their requests come through; anyone else's X-Forwarded-For is ignored.
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            foreach (var network in builder.Configuration.GetSection("Agora:TrustedProxies").GetChildren())
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Value ?? ""));
            }
        });
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddAgoraProblemDetails();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>The caller's address (forwarded headers), error handling, then <c>/health/live</c> and <c>/health/ready</c>.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthEndpoints();
        app.MapAbout();
        return app;
    }

    /// <summary>
    /// <c>GET /api/&lt;service&gt;/about</c>: the service's name and version, anonymous and cheap
    /// (clients check what they talk to; the gateway benchmark uses it as its cheap GET).
    /// </summary>
    public static IEndpointRouteBuilder MapAbout(this WebApplication app)
    {
        var service = app.Environment.ApplicationName.Replace("Agora.", "", StringComparison.Ordinal).ToLowerInvariant();
        var about = new About(service, typeof(ServiceDefaultsExtensions).Assembly.GetName().Version?.ToString() ?? "0.0.0");
        app.MapGet($"/api/{service}/about", () => TypedResults.Ok(about)).AllowAnonymous();
        return app;
    }

    public sealed record About(string Service, string Version);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        return endpoints;
    }
}

/// <summary>The ports a host listens on; a port left out of configuration is not opened.</summary>
public sealed record AgoraPorts(System.Net.IPAddress Address, int? Rest, int? Grpc)
{
    public static AgoraPorts From(IConfiguration configuration)
    {
        var address = configuration["Agora:ListenAddress"] is { Length: > 0 } a
            ? System.Net.IPAddress.Parse(a)
            : System.Net.IPAddress.Loopback;
        return new AgoraPorts(address, configuration.GetValue<int?>("Agora:RestPort"), configuration.GetValue<int?>("Agora:GrpcPort"));
    }
}
