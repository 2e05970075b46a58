using System.Net;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Agora.Registry.Identity;
using Duende.IdentityModel.OidcClient;
using Duende.IdentityModel.OidcClient.Browser;
using Duende.IdentityModel.OidcClient.Results;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agora.Registry.Tests.Identity;

/// <summary>A registry acting as the OpenID Connect provider at http://localhost/, with its clients configured.</summary>
public class IdentityFactory : RegistryFactory
{
    public const string Issuer = "http://localhost/";
    public const string WebRedirect = "https://app.test/callback";
    public const string NotificationsSecret = "notifications-secret-for-tests";
    public const string PartnerId = "ngo-observatoire";
    public const string PartnerSecret = "partner-secret-for-tests";

    /// <summary>This factory's own token signing key file (generated on first start).</summary>
    public string SigningKeyFile { get; } = Path.Combine(Path.GetTempPath(), $"agora-registry-signing-{Guid.NewGuid():N}.pem");

    /// <summary>This factory's own token encryption key file (generated on first start).</summary>
    public string EncryptionKeyFile { get; } = Path.Combine(Path.GetTempPath(), $"agora-registry-encryption-{Guid.NewGuid():N}.pem");

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("Agora:Auth:Issuer", Issuer),
        new("Registry:Identity:SigningKeyFile", SigningKeyFile),
        new("Registry:Identity:EncryptionKeyFile", EncryptionKeyFile),
        new("Registry:Identity:Clients:agora-web:RedirectUris:0", WebRedirect),
        new("Registry:Identity:Clients:agora-mobile:RedirectUris:0", "tn.agora.mobile:/callback"),
        new("Registry:Identity:Clients:agora-notifications:Secret", NotificationsSecret),
        new($"Registry:Identity:Partners:{PartnerId}:Secret", PartnerSecret),
        .. MoreSettings,
    ];

    protected virtual IEnumerable<KeyValuePair<string, string>> MoreSettings => [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Services.GetRequiredService<ClientSeeding>().Ready.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(SigningKeyFile);
        File.Delete(EncryptionKeyFile);
        GC.SuppressFinalize(this);
    }

    /// <summary>A standards-compliant OIDC client (Duende OidcClient) for <c>agora-web</c>, signing in through <paramref name="browser"/>.</summary>
    public OidcClient OidcClient(IBrowser browser, string clientId = "agora-web", string redirect = WebRedirect) => new(new OidcClientOptions
    {
        Authority = Issuer,
        ClientId = clientId,
        RedirectUri = redirect,
        Scope = "openid roles offline_access",
        Browser = browser,
        BackchannelHandler = Server.CreateHandler(),
        LoadProfile = false,
        IdentityTokenValidator = new JwksIdentityTokenValidator(this),
        Policy = { Discovery = { RequireHttps = false } },
    });

    /// <summary>A browser that signs in on the registry's login page by password or by the emailed code.</summary>
    public TestBrowser Browser(string email, string? password = null) => new(this, email, password);

    public async Task<string> ClientCredentialsTokenAsync(string clientId, string secret, string? scope = null)
    {
        using var client = CreateClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }
}

public sealed class TestBrowser(IdentityFactory factory, string email, string? password) : IBrowser
{
    public List<HttpStatusCode> LoginStatuses { get; } = [];

    public async Task<BrowserResult> InvokeAsync(BrowserOptions options, CancellationToken cancellationToken = default)
    {
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await http.GetAsync(options.StartUrl, cancellationToken);
        for (var hops = 0; hops < 10; hops++)
        {
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
            {
                var location = response.Headers.Location!;
                var absolute = location.IsAbsoluteUri ? location : new Uri(new Uri(IdentityFactory.Issuer), location);
                if (absolute.AbsoluteUri.StartsWith(options.EndUrl, StringComparison.Ordinal))
                {
                    return new BrowserResult { ResultType = BrowserResultType.Success, Response = absolute.AbsoluteUri };
                }
                response = await http.GetAsync(absolute, cancellationToken);
                continue;
            }
            var page = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!page.Contains("action=\"/connect/login\"", StringComparison.Ordinal))
            {
                return new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = $"{response.StatusCode}: {page}" };
            }
            var returnUrl = System.Net.WebUtility.HtmlDecode(Regex.Match(page, "name=\"returnUrl\" value=\"([^\"]*)\"").Groups[1].Value);
            var token = Api.AntiforgeryToken(page);
            Dictionary<string, string> form;
            if (password is not null)
            {
                form = new() { ["method"] = "password", ["email"] = email, ["password"] = password, ["returnUrl"] = returnUrl, ["__RequestVerificationToken"] = token };
            }
            else
            {
                await http.PostAsync("/connect/login/code", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["email"] = email, ["returnUrl"] = returnUrl, ["__RequestVerificationToken"] = token,
                }), cancellationToken);
                var id = await IdOfAsync(email);
                form = new() { ["method"] = "code", ["email"] = email, ["code"] = await Api.LastCodeAsync(factory, id, "sign-in"), ["returnUrl"] = returnUrl, ["__RequestVerificationToken"] = token };
            }
            response = await http.PostAsync("/connect/login", new FormUrlEncodedContent(form), cancellationToken);
            LoginStatuses.Add(response.StatusCode);
            if (!response.Headers.Contains("Location"))
            {
                return new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = $"sign-in refused: {response.StatusCode}" };
            }
        }
        return new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = "too many redirects" };
    }

    private async Task<Guid> IdOfAsync(string email)
    {
        await using var scope = factory.Scope(out var db);
        var protector = scope.ServiceProvider.GetRequiredService<Agora.Registry.Privacy.PersonalDataProtector>();
        var hash = protector.LookupHash(email.ToLowerInvariant());
        return (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Participants, p => p.EmailHash == hash)).Id;
    }
}

/// <summary>Validates identity tokens against the provider's published JWKS, issuer and client id.</summary>
public sealed class JwksIdentityTokenValidator(IdentityFactory factory) : IIdentityTokenValidator
{
    public async Task<IdentityTokenValidationResult> ValidateAsync(string identityToken, OidcClientOptions options, CancellationToken cancellationToken = default)
    {
        using var http = factory.CreateClient();
        var jwks = new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks", cancellationToken));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(identityToken, new TokenValidationParameters
        {
            ValidIssuer = IdentityFactory.Issuer,
            ValidAudience = options.ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = ["RS256"],
        });
        return result.IsValid
            ? new IdentityTokenValidationResult { User = new ClaimsPrincipal(result.ClaimsIdentity), SignatureAlgorithm = "RS256" }
            : new IdentityTokenValidationResult { Error = result.Exception?.Message ?? "invalid identity token" };
    }
}
