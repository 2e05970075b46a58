using System.Threading.RateLimiting;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.RateLimiting;

namespace Agora.Gateway;

/// <summary>Options under <c>Gateway</c> in configuration.</summary>
public sealed class GatewayOptions
{
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
    public int RateLimitPermits { get; set; } = 600;
    public int RateLimitWindowSeconds { get; set; } = 10;
}

/// <summary>The gateway routes, limits and protects; it holds no business logic.</summary>
public static class GatewayModule
{
    public const string PerClientPolicy = "per-client";

    public static IHostApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Gateway").Get<GatewayOptions>() ?? new GatewayOptions();
        builder.Services.AddSingleton(options);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);

        // Tokens are checked here as well as in every service: a request that carries an invalid
        // token stops at the gateway; anonymous requests pass and each service decides.
        builder.AddAgoraAuthentication();
        // One cluster per service, REST and gRPC alike, spoken to over HTTP/2 without TLS at the service's HTTP/2 port
        // (Agora:GrpcPort): requests share a few multiplexed connections instead of one connection each, which raised the
        // votes' closed-loop capacity by about a third in bench/charter-gateway (bench/results/charter.md).
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        // The health checks ask each destination the way the proxy talks to it: HTTP/2 without TLS (prior knowledge).
        builder.Services.AddHttpClient(DestinationHealthCheck.HttpClientName, c =>
        {
            c.Timeout = TimeSpan.FromSeconds(3);
            c.DefaultRequestVersion = System.Net.HttpVersion.Version20;
            c.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        });
        var health = builder.Services.AddHealthChecks();
        foreach (var cluster in builder.Configuration.GetSection("ReverseProxy:Clusters").GetChildren())
        {
            foreach (var destination in cluster.GetSection("Destinations").GetChildren())
            {
                var address = new Uri(destination["Address"]!);
                health.AddTypeActivatedCheck<DestinationHealthCheck>($"{cluster.Key}/{destination.Key}", null,
                    [ServiceDefaultsExtensions.ReadyTag], address);
            }
        }

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PerClientPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientKey(context),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RateLimitPermits,
                    Window = TimeSpan.FromSeconds(options.RateLimitWindowSeconds),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (rejected, ct) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                await Problems.Of(StatusCodes.Status429TooManyRequests, "too-many-requests", "Too many requests.",
                    "This client sent too many requests; try again later.").ExecuteAsync(rejected.HttpContext);
            };
        });
        return builder;
    }

    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<RequestSizeMiddleware>();
        app.UseMiddleware<TokenCheckMiddleware>();
        app.UseRateLimiter();
        app.MapReverseProxy().RequireRateLimiting(PerClientPolicy);
        return app;
    }

    /// <summary>
    /// A signed-in client is limited by its token's client (or subject); anyone else by IP address.
    /// </summary>
    private static string ClientKey(HttpContext context) =>
        context.User.FindFirst("client_id")?.Value is { } client ? "client:" + client
        : context.User.FindFirst("sub")?.Value is { } subject ? "sub:" + subject
        : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
