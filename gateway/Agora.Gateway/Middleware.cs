using System.Text.RegularExpressions;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Model;

namespace Agora.Gateway;

/// <summary>
/// Takes the caller's <c>X-Correlation-Id</c> when it is a sane token, or makes one, passes it to
/// the services and returns it on the response.
/// </summary>
public sealed partial class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Correlation-Id";

    public Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[Header].ToString();
        var id = SaneId().IsMatch(incoming) ? incoming : Guid.CreateVersion7().ToString("N");
        context.Request.Headers[Header] = id;
        context.Response.Headers[Header] = id;
        return next(context);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{8,128}$")]
    private static partial Regex SaneId();
}

/// <summary>Headers that keep browsers from sniffing, framing or leaking what the API returns.</summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            headers["Cross-Origin-Resource-Policy"] = "same-site";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }
            headers.Remove("Server");
            headers.Remove("X-Powered-By");
            return Task.CompletedTask;
        });
        return next(context);
    }
}

/// <summary>
/// Answers 413 with problem details before proxying when the declared body is over the limit;
/// Kestrel's own limit stops undeclared (chunked) bodies that grow past it. The limit is
/// <c>Gateway:MaxRequestBodyBytes</c>, or the route's <c>MaxRequestBodyBytes</c> metadata where a route
/// needs more (the Pol.is import: real exports run to several MiB).
/// </summary>
public sealed class RequestSizeMiddleware(RequestDelegate next, GatewayOptions options)
{
    public const string RouteLimitMetadata = "MaxRequestBodyBytes";

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = LimitOf(context);
        if (context.Request.ContentLength > limit)
        {
            await Problems.Of(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large.",
                $"The limit is {limit} bytes.").ExecuteAsync(context);
            return;
        }
        if (limit != options.MaxRequestBodyBytes && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }
        await next(context);
    }

    private long LimitOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.Metadata is { } metadata
        && metadata.TryGetValue(RouteLimitMetadata, out var value)
        && long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes)
            ? bytes
            : options.MaxRequestBodyBytes;
}

/// <summary>
/// When a request carries a bearer token, it must be valid (signature, issuer, audience, lifetime);
/// otherwise 401 before anything is proxied. Requests without a token pass through.
/// </summary>
public sealed class TokenCheckMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (!result.Succeeded)
            {
                await Problems.Of(StatusCodes.Status401Unauthorized, "invalid-token", "The access token is invalid or expired.")
                    .ExecuteAsync(context);
                return;
            }
            context.User = result.Principal;
        }
        await next(context);
    }
}
