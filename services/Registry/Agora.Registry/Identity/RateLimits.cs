using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Agora.Registry.Identity;

/// <summary>Per-IP fixed windows on registration and sign-in (the gateway adds its own limits in front).</summary>
public static class RateLimits
{
    public const string Registration = "registration";
    public const string SignIn = "sign-in";

    public static IServiceCollection AddRegistryRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var signIn = configuration.GetValue("Registry:RateLimits:SignInPerMinute", 20);
        var registration = configuration.GetValue("Registry:RateLimits:RegistrationPerMinute", 60);
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignIn, ctx => PerIp(ctx, signIn));
            o.AddPolicy(Registration, ctx => PerIp(ctx, registration));
        });
    }

    private static RateLimitPartition<string> PerIp(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "local",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
