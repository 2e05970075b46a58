using Agora.Registry.Data;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Agora.Registry.Identity;

/// <summary>
/// The registry as the OpenID Connect provider (OpenIddict): authorization code + PKCE for the
/// public front-end clients, client credentials for partners and the notifications service,
/// refresh tokens. Access tokens are RS256-signed JWTs, not encrypted, for the audience
/// <c>agora-api</c>, carrying <c>sub</c> and repeated <c>role</c> claims, so that every service
/// validates them with the spine's JwtBearer setup.
/// </summary>
public static class IdentitySetup
{
    public const string Audience = "agora-api";
    public const string LoginScheme = "registry-login";
    public const string ContactsScope = "registry.contacts";

    public static Uri Issuer(IConfiguration configuration) =>
        new(configuration["Agora:Auth:Issuer"] is { Length: > 0 } issuer ? issuer
            : configuration["Agora:Auth:Authority"] is { Length: > 0 } authority ? authority
            : "http://127.0.0.1:5101/");

    public static IHostApplicationBuilder AddRegistryIdentity(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var signing = KeyFiles.Load(configuration, builder.Environment, KeyFiles.SigningKeySetting, "registry-signing.pem");
        var encryption = KeyFiles.Load(configuration, builder.Environment, KeyFiles.EncryptionKeySetting, "registry-encryption.pem");

        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<RegistryDbContext>())
            .AddServer(o =>
            {
                o.SetIssuer(Issuer(configuration));
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/logout");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, ContactsScope);
                // The current keys first: OpenIddict signs and encrypts with the first registered key;
                // the previous ones (rotation) only validate and decrypt what was issued before.
                o.AddSigningKey(signing).AddEncryptionKey(encryption);
                KeyFiles.LoadPrevious(configuration, KeyFiles.PreviousSigningKeysSetting).ForEach(key => o.AddSigningKey(key));
                KeyFiles.LoadPrevious(configuration, KeyFiles.PreviousEncryptionKeysSetting).ForEach(key => o.AddEncryptionKey(key));
                o.DisableAccessTokenEncryption();
                o.SetAccessTokenLifetime(TimeSpan.FromMinutes(configuration.GetValue("Registry:Identity:AccessTokenMinutes", 15)));
                o.SetRefreshTokenLifetime(TimeSpan.FromDays(configuration.GetValue("Registry:Identity:RefreshTokenDays", 14)));
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    // TLS ends at the ingress / gateway in front of the services.
                    .DisableTransportSecurityRequirement();
            });

        builder.Services.AddAuthentication().AddCookie(LoginScheme, o =>
        {
            o.LoginPath = "/connect/login";
            o.Cookie.Name = "agora.registry.login";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            o.SlidingExpiration = false;
        });
        // The sign-in page's forms carry a token tied to this cookie (SameSite=Strict, HttpOnly); the
        // tokens are protected with the data-protection key ring shared by the replicas.
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "agora.registry.antiforgery");
        builder.Services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, TrustOwnTokens>();
        builder.Services.AddScoped<SignIns>();
        builder.Services.AddSingleton<ClientSeeding>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClientSeeding>());
        return builder;
    }

    /// <summary>
    /// The registry validates the tokens it issues with its own keys, without fetching its own
    /// discovery document over HTTP.
    /// </summary>
    private sealed class TrustOwnTokens(IOptionsMonitor<OpenIddictServerOptions> server) : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions options)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
            {
                return;
            }
            var openiddict = server.CurrentValue;
            var issuer = openiddict.Issuer!.AbsoluteUri;
            var keys = openiddict.SigningCredentials.Select(c => c.Key).ToList();
            options.Authority = null;
            options.MetadataAddress = null!;
            options.Configuration = new OpenIdConnectConfiguration { Issuer = issuer };
            foreach (var key in keys)
            {
                options.Configuration.SigningKeys.Add(key);
            }
            options.TokenValidationParameters.ValidIssuers = [.. options.TokenValidationParameters.ValidIssuers ?? [], issuer];
            options.TokenValidationParameters.IssuerSigningKeys = [.. options.TokenValidationParameters.IssuerSigningKeys ?? [], .. keys];
            options.TokenValidationParameters.ValidAudience = Audience;
        }
    }
}
