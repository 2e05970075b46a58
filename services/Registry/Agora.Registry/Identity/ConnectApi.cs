using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Agora.Registry.Identity;

/// <summary>
/// The OpenID Connect endpoints OpenIddict passes through to us (<c>/connect/authorize</c>,
/// <c>/connect/token</c>, <c>/connect/logout</c>) and the sign-in page (<c>/connect/login</c>,
/// by password or by an emailed one-time code).
/// </summary>
public static class ConnectApi
{
    public static IEndpointRouteBuilder MapConnectApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/connect/authorize", ["GET", "POST"], Authorize).AllowAnonymous();
        endpoints.MapPost("/connect/token", Token).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        endpoints.MapMethods("/connect/logout", ["GET", "POST"], (Delegate)Logout).AllowAnonymous();
        endpoints.MapGet("/connect/login", LoginPage).AllowAnonymous();
        // The forms carry an antiforgery token (checked in the handlers, before anything else happens).
        endpoints.MapPost("/connect/login", Login).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        endpoints.MapPost("/connect/login/code", RequestCode).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        return endpoints;
    }

    /// <summary>The claims a participant's tokens carry: <c>sub</c> and each <c>role</c>, nothing personal.</summary>
    private static ClaimsPrincipal PrincipalFor(string subject, IEnumerable<string> roles, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Subject, Claims.Role);
        identity.SetClaim(Claims.Subject, subject);
        identity.SetClaims(Claims.Role, [.. roles]);
        identity.SetScopes(scopes);
        identity.SetResources(IdentitySetup.Audience);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Subject => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Role => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static Task<Participant?> ActiveAccountAsync(RegistryDbContext db, string? subject, CancellationToken ct) =>
        Guid.TryParse(subject, out var id)
            ? db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && (p.Status == ParticipantStatus.Pending || p.Status == ParticipantStatus.Active), ct)
            : Task.FromResult<Participant?>(null);

    internal static async Task<IResult> Authorize(HttpContext context, RegistryDbContext db, CancellationToken ct)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var login = await context.AuthenticateAsync(IdentitySetup.LoginScheme);
        var participant = login.Succeeded ? await ActiveAccountAsync(db, login.Principal?.FindFirst(Claims.Subject)?.Value, ct) : null;
        if (participant is null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }
            var returnUrl = context.Request.PathBase + context.Request.Path + QueryString.Create(
                context.Request.HasFormContentType ? [.. context.Request.Form] : [.. context.Request.Query]);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [IdentitySetup.LoginScheme]);
        }
        return Results.SignIn(PrincipalFor(participant.Id.ToString(), participant.Roles, request.GetScopes()), null,
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    internal static async Task<IResult> Token(HttpContext context, RegistryDbContext db, IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            var application = await applications.FindByClientIdAsync(request.ClientId!, ct);
            if (application is null)
            {
                return Forbid(Errors.InvalidClient, "Unknown client.");
            }
            var properties = await applications.GetPropertiesAsync(application, ct);
            var roles = properties.TryGetValue(ClientSeeding.RolesProperty, out var value) && value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray().Select(r => r.GetString()!).ToArray()
                : [];
            return Results.SignIn(PrincipalFor(request.ClientId!, roles, request.GetScopes()), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            // Roles and standing are read afresh: an erased, rejected or demoted participant gets nothing more.
            var participant = await ActiveAccountAsync(db, result.Principal?.GetClaim(Claims.Subject), ct);
            if (participant is null)
            {
                return Forbid(Errors.InvalidGrant, "The account can no longer sign in.");
            }
            return Results.SignIn(PrincipalFor(participant.Id.ToString(), participant.Roles, result.Principal!.GetScopes()), null,
                OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    internal static async Task<IResult> Logout(HttpContext context)
    {
        await context.SignOutAsync(IdentitySetup.LoginScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>Only a path on this server, never another site (no open redirect).</summary>
    private static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";

    internal static IResult LoginPage(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? step, string? error) =>
        Page(context, antiforgery, SafeReturnUrl(returnUrl), step, error);

    /// <summary>
    /// The sign-in page. Each form carries an antiforgery token (tied to an antiforgery cookie set
    /// here), so another site cannot post a sign-in or a code request in the visitor's browser.
    /// </summary>
    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? step, string? error, int status = StatusCodes.Status200OK)
    {
        var html = HtmlEncoder.Default;
        var tokens = antiforgery.GetAndStoreTokens(context);
        var r = html.Encode(returnUrl);
        var token = $"<input type=\"hidden\" name=\"{html.Encode(tokens.FormFieldName)}\" value=\"{html.Encode(tokens.RequestToken!)}\">";
        var message = error switch
        {
            "expired" => "<p role=\"alert\">La page a expiré, veuillez réessayer. · انتهت صلاحية الصفحة، يرجى إعادة المحاولة. · The page expired, please try again.</p>",
            "locked" => "<p role=\"alert\">Trop de tentatives : compte verrouillé temporairement. · تم قفل الحساب مؤقتا.</p>",
            "failed" => "<p role=\"alert\">Identifiants incorrects. · بيانات غير صحيحة.</p>",
            _ => "",
        };
        var codeForm = step == "code"
            ? $"""
              <form method="post" action="/connect/login"><input type="hidden" name="returnUrl" value="{r}">{token}
              <input type="hidden" name="method" value="code">
              <label>Email <input name="email" type="email" autocomplete="username" required></label>
              <label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" required></label>
              <button>Se connecter · دخول</button></form>
              """
            : $"""
              <form method="post" action="/connect/login/code"><input type="hidden" name="returnUrl" value="{r}">{token}
              <label>Email <input name="email" type="email" autocomplete="username" required></label>
              <button>Recevoir un code · استلام رمز</button></form>
              """;
        var body = $"""
            <!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>Agora</title></head><body>
            <h1>الدخول · Connexion · Sign in</h1>{message}
            <form method="post" action="/connect/login"><input type="hidden" name="returnUrl" value="{r}">{token}
            <input type="hidden" name="method" value="password">
            <label>Email <input name="email" type="email" autocomplete="username" required></label>
            <label>Mot de passe · كلمة السر <input name="password" type="password" autocomplete="current-password" required></label>
            <button>Se connecter · دخول</button></form>
            {codeForm}
            </body></html>
            """;
        return Results.Content(body, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>
    /// A post without a valid antiforgery token (no token, another visitor's, or a forged one) gets
    /// the page back with a fresh token and a 400, before any sign-in work: no code is sent, no
    /// failure is counted.
    /// </summary>
    private static async Task<IResult?> RefuseForgedAsync(HttpContext context, IAntiforgery antiforgery, IFormCollection form)
    {
        if (await antiforgery.IsRequestValidAsync(context))
        {
            return null;
        }
        return Page(context, antiforgery, SafeReturnUrl(form["returnUrl"]), form["method"] == "code" ? "code" : null, "expired", StatusCodes.Status400BadRequest);
    }

    internal static async Task<IResult> Login(HttpContext context, IAntiforgery antiforgery, SignIns signIns, CancellationToken ct)
    {
        var form = await context.Request.ReadFormAsync(ct);
        if (await RefuseForgedAsync(context, antiforgery, form) is { } refused)
        {
            return refused;
        }
        var returnUrl = SafeReturnUrl(form["returnUrl"]);
        var (outcome, participant) = form["method"] == "code"
            ? await signIns.CodeAsync(form["email"], form["code"], ct)
            : await signIns.PasswordAsync(form["email"], form["password"], ct);
        if (outcome != SignInOutcome.SignedIn || participant is null)
        {
            return Page(context, antiforgery, returnUrl, form["method"] == "code" ? "code" : null, outcome == SignInOutcome.LockedOut ? "locked" : "failed",
                outcome == SignInOutcome.LockedOut ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized);
        }
        var identity = new ClaimsIdentity(IdentitySetup.LoginScheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, participant.Id.ToString()));
        await context.SignInAsync(IdentitySetup.LoginScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    internal static async Task<IResult> RequestCode(HttpContext context, IAntiforgery antiforgery, SignIns signIns, CancellationToken ct)
    {
        var form = await context.Request.ReadFormAsync(ct);
        if (await RefuseForgedAsync(context, antiforgery, form) is { } refused)
        {
            return refused;
        }
        await signIns.RequestCodeAsync(form["email"], ct);
        return Page(context, antiforgery, SafeReturnUrl(form["returnUrl"]), "code", null);
    }
}
