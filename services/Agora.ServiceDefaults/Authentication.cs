using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agora.ServiceDefaults;

/// <summary>The platform's roles, as carried in the access token's <c>role</c> claims.</summary>
public static class Roles
{
    public const string Participant = "participant";
    public const string Facilitator = "facilitator";
    public const string Rapporteur = "rapporteur";
    public const string Steering = "steering";
    public const string Partner = "partner";

    public static readonly IReadOnlyList<string> All = [Participant, Facilitator, Rapporteur, Steering, Partner];
}

/// <summary>Authorization policy names shared by every service.</summary>
public static class Policies
{
    /// <summary>Any signed-in participant (any role but partner).</summary>
    public const string Participant = "participant";
    public const string Steering = "steering";
    public const string FacilitatorOrSteering = "facilitator-or-steering";
    public const string RapporteurOrSteering = "rapporteur-or-steering";
    public const string Partner = "partner";
}

public static class AuthenticationSetup
{
    /// <summary>
    /// Validates the registry's access tokens (JWT, discovered from <c>Agora:Auth:Authority</c>,
    /// audience <c>Agora:Auth:Audience</c>) and registers the shared policies. A token that validated
    /// is remembered until it expires, at most five minutes (<see cref="CachingJsonWebTokenHandler"/>),
    /// for up to <c>Agora:Auth:ValidatedTokenCacheSize</c> tokens (10,000 by default; 0 turns it off). A service that
    /// registers <see cref="ErasedParticipants"/> (<see cref="ErasedParticipantsSetup.AddErasedParticipants"/>) refuses
    /// the tokens of erased participants, cached or not.
    /// </summary>
    public static IHostApplicationBuilder AddAgoraAuthentication(this IHostApplicationBuilder builder)
    {
        var authority = builder.Configuration["Agora:Auth:Authority"] ?? "http://127.0.0.1:5101/";
        var audience = builder.Configuration["Agora:Auth:Audience"] ?? "agora-api";
        var cacheSize = builder.Configuration.GetValue("Agora:Auth:ValidatedTokenCacheSize", 10_000);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.Authority = authority;
                o.Audience = audience;
                o.RequireHttpsMetadata = authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                if (cacheSize > 0)
                {
                    o.TokenHandlers.Clear();
                    o.TokenHandlers.Add(new CachingJsonWebTokenHandler(cacheSize));
                }
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "sub";
                o.TokenValidationParameters.RoleClaimType = "role";
                o.TokenValidationParameters.ValidAlgorithms = ["RS256", "PS256", "ES256"];
                o.Events = new JwtBearerEvents { OnTokenValidated = RefuseErasedAsync, OnChallenge = UnavailableUntilErasedKnownAsync };
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Participant, p => p.RequireRole(Roles.Participant, Roles.Facilitator, Roles.Rapporteur, Roles.Steering))
            .AddPolicy(Policies.Steering, p => p.RequireRole(Roles.Steering))
            .AddPolicy(Policies.FacilitatorOrSteering, p => p.RequireRole(Roles.Facilitator, Roles.Steering))
            .AddPolicy(Policies.RapporteurOrSteering, p => p.RequireRole(Roles.Rapporteur, Roles.Steering))
            .AddPolicy(Policies.Partner, p => p.RequireRole(Roles.Partner));
        return builder;
    }

    /// <summary>
    /// Runs after every validation, the cached ones too: a token whose <c>sub</c> is an erased participant's (see
    /// <see cref="ErasedParticipants"/>, in the services that register it) is refused with a 401, as an expired one is.
    /// While the list could not be loaded yet no token is accepted either: that request is answered 503 (see
    /// <see cref="UnavailableUntilErasedKnownAsync"/>), since the token may well be good. A set look-up per request, no query.
    /// </summary>
    private static async Task RefuseErasedAsync(TokenValidatedContext context)
    {
        if (context.HttpContext.RequestServices.GetService<ErasedParticipants>() is not { } erased)
        {
            return;
        }
        if (!await erased.EnsureLoadedAsync(context.HttpContext.RequestAborted))
        {
            context.Fail(new ErasedParticipantsUnknownException());
        }
        else if (context.Principal?.ParticipantId() is Guid id && erased.Contains(id))
        {
            context.Fail("The participant was erased.");
        }
    }

    /// <summary>
    /// A request refused only because the erased participants could not be loaded yet (the database unreachable since
    /// start) gets a 503 problem with <c>Retry-After</c>, not the 401 that would send the client to sign in again.
    /// </summary>
    private static async Task UnavailableUntilErasedKnownAsync(JwtBearerChallengeContext context)
    {
        if (context.AuthenticateFailure is not ErasedParticipantsUnknownException)
        {
            return;
        }
        context.HandleResponse();
        context.Response.Headers.RetryAfter = "5";
        await Problems.Of(StatusCodes.Status503ServiceUnavailable, "service-unavailable", "The service cannot accept access tokens yet.",
            "It could not read which participants were erased. Retry in a few seconds.").ExecuteAsync(context.HttpContext);
    }

    private sealed class ErasedParticipantsUnknownException() : Exception("The erased participants are not loaded yet.");

    /// <summary>The caller's participant id (the token's <c>sub</c>), when it is one.</summary>
    public static Guid? ParticipantId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst("sub")?.Value, out var id) ? id : null;

    public static bool IsSteering(this ClaimsPrincipal user) => user.IsInRole(Roles.Steering);
}
