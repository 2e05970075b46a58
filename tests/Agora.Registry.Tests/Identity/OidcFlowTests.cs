using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agora.Contracts.Registry.V1;
using Agora.Registry.Identity;
using Agora.ServiceDefaults;
using Agora.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Server;

namespace Agora.Registry.Tests.Identity;

public sealed class OidcFlowTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    private const string Password = "correct horse battery staple";
    private readonly HttpClient anonymous = factory.CreateClient();

    private HttpClient Bearer(string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task The_discovery_document_names_the_issuer_the_endpoints_and_the_keys()
    {
        var discovery = await anonymous.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        Assert.Equal(IdentityFactory.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost/connect/authorize", discovery.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("http://localhost/connect/token", discovery.GetProperty("token_endpoint").GetString());
        Assert.Contains("S256", discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        var jwks = await anonymous.GetFromJsonAsync<JsonElement>(new Uri(discovery.GetProperty("jwks_uri").GetString()!).PathAndQuery);
        Assert.Contains(jwks.GetProperty("keys").EnumerateArray(), k => k.GetProperty("kty").GetString() == "RSA");
    }

    [Fact]
    public async Task Authorization_code_with_pkce_and_a_password_gives_an_rs256_jwt_for_agora_api_and_a_working_refresh_token()
    {
        var email = Api.NewEmail("oidc");
        var id = await Api.RegisterAsync(anonymous, "individual", email, password: Password);
        var oidc = factory.OidcClient(factory.Browser(email, Password));

        var login = await oidc.LoginAsync();

        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        var parts = login.AccessToken.Split('.');
        Assert.Equal(3, parts.Length); // a JWS, not an encrypted JWE
        var jwt = new JsonWebToken(login.AccessToken);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Contains("agora-api", jwt.Audiences);
        Assert.Equal(IdentityFactory.Issuer, jwt.Issuer);
        Assert.Equal(id.ToString(), jwt.Subject);
        Assert.Equal([Roles.Participant], jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value).ToArray());
        Assert.DoesNotContain(email, Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])), StringComparison.OrdinalIgnoreCase);
        var me = await Bearer(login.AccessToken).GetAsync("/api/registry/me").JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, me.GetProperty("id").GetGuid());

        // Steering grants a role; the refreshed token carries it.
        await factory.ClientFor(Guid.NewGuid(), Roles.Steering).PutAsJsonAsync($"/api/registry/participants/{id}/roles", new { roles = new[] { "participant", "facilitator" } })
            .JsonAsync(HttpStatusCode.OK);
        var refreshed = await oidc.RefreshTokenAsync(login.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.Equal(["facilitator", "participant"], new JsonWebToken(refreshed.AccessToken).Claims.Where(c => c.Type == "role").Select(c => c.Value).Order().ToArray());
        Assert.Equal(HttpStatusCode.OK, (await Bearer(refreshed.AccessToken).GetAsync("/api/registry/me")).StatusCode);
    }

    [Fact]
    public async Task Signing_in_by_an_emailed_one_time_code_works_for_the_mobile_client()
    {
        var email = Api.NewEmail("code");
        var id = await Api.RegisterAsync(anonymous, "organization", email);
        var oidc = factory.OidcClient(factory.Browser(email), "agora-mobile", "tn.agora.mobile:/callback");

        var login = await oidc.LoginAsync();

        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        Assert.Equal(id.ToString(), new JsonWebToken(login.AccessToken).Subject);
    }

    [Fact]
    public async Task An_erased_participant_cannot_refresh()
    {
        var email = Api.NewEmail("erased");
        var id = await Api.RegisterAsync(anonymous, "individual", email, password: Password);
        var oidc = factory.OidcClient(factory.Browser(email, Password));
        var login = await oidc.LoginAsync();
        Assert.False(login.IsError, login.Error);

        Assert.Equal(HttpStatusCode.NoContent, (await Bearer(login.AccessToken).DeleteAsync("/api/registry/me")).StatusCode);

        Assert.True((await oidc.RefreshTokenAsync(login.RefreshToken)).IsError);
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_even_for_the_right_password()
    {
        var email = Api.NewEmail("lock");
        await Api.RegisterAsync(anonymous, "individual", email, password: Password);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await anonymous.PostAsync("/connect/login", await FormAsync(email, "wrong password " + i))).StatusCode);
        }
        var right = await anonymous.PostAsync("/connect/login", await FormAsync(email, Password));

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.DoesNotContain(right.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("agora.registry.login", StringComparison.Ordinal));
        var unknown = await anonymous.PostAsync("/connect/login", await FormAsync(Api.NewEmail("nobody"), Password));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_sent_at_once_are_each_counted_and_none_fails()
    {
        var email = Api.NewEmail("lockrace");
        await Api.RegisterAsync(anonymous, "individual", email, password: Password);
        var forms = new List<FormUrlEncodedContent>();
        for (var i = 0; i < 8; i++)
        {
            forms.Add(await FormAsync(email, "wrong password " + i));
        }

        var statuses = (await Task.WhenAll(forms.Select(form => anonymous.PostAsync("/connect/login", form)))).Select(r => r.StatusCode).ToList();
        var right = await anonymous.PostAsync("/connect/login", await FormAsync(email, Password));

        // One at a time: four failures, the fifth locks, the rest meet the lock. Read without a lock, most of them failed
        // on the row version (500) and were not counted, so the right password still signed in.
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"got {s}"));
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }

    [Fact]
    public async Task The_password_is_checked_without_holding_the_accounts_row_lock()
    {
        var email = Api.NewEmail("slowhash");
        var id = await Api.RegisterAsync(anonymous, "individual", email, password: Password);
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        // A hash forty times as costly as the shipped one, so that the check lasts long enough to be watched.
        await using (var slow = new NpgsqlCommand("UPDATE participants SET password_hash = $1 WHERE id = $2", connection))
        {
            slow.Parameters.AddWithValue(new PasswordHasher(iterations: 80).Hash(Password));
            slow.Parameters.AddWithValue(id);
            await slow.ExecuteNonQueryAsync();
        }
        var form = await FormAsync(email, "a wrong password");

        var started = DateTime.UtcNow;
        var signIn = anonymous.PostAsync("/connect/login", form);
        var (tries, refused) = (0, 0);
        while (!signIn.IsCompleted)
        {
            // The row stays free to lock while the hash is computed (only the outcome's short write takes it): while it
            // was locked through the check, every try here waited out its timeout.
            await using var transaction = await connection.BeginTransactionAsync();
            await using var timeout = new NpgsqlCommand("SET LOCAL lock_timeout = '300ms'", connection, transaction);
            await timeout.ExecuteNonQueryAsync();
            await using var take = new NpgsqlCommand("SELECT 1 FROM participants WHERE id = $1 FOR UPDATE", connection, transaction);
            take.Parameters.AddWithValue(id);
            try
            {
                await take.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                refused++;
            }
            tries++;
            await transaction.RollbackAsync();
            await Task.Delay(20);
        }
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal(HttpStatusCode.Unauthorized, (await signIn).StatusCode);
        Assert.True(tries >= 3, $"only {tries} tries in {elapsed.TotalMilliseconds:F0} ms: the check was too quick to watch");
        Assert.Equal(0, refused);
        await using var count = new NpgsqlCommand("SELECT failed_sign_ins FROM participants WHERE id = $1", connection);
        count.Parameters.AddWithValue(id);
        Assert.Equal(1, (int)(await count.ExecuteScalarAsync())!);
    }

    private Task<FormUrlEncodedContent> FormAsync(string email, string password) =>
        Api.SignInFormAsync(anonymous, new Dictionary<string, string> { ["method"] = "password", ["email"] = email, ["password"] = password, ["returnUrl"] = "/" });

    [Fact]
    public async Task Client_credentials_give_partners_the_partner_role_and_notifications_the_contacts_scope()
    {
        var partner = new JsonWebToken(await factory.ClientCredentialsTokenAsync(IdentityFactory.PartnerId, IdentityFactory.PartnerSecret));
        Assert.Equal(IdentityFactory.PartnerId, partner.Subject);
        Assert.Equal("partner", Assert.Single(partner.Claims, c => c.Type == "role").Value);
        Assert.Contains("agora-api", partner.Audiences);

        var wrongSecret = await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = IdentityFactory.PartnerId, ["client_secret"] = "guess",
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        var partnerAskingContacts = await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = IdentityFactory.PartnerId, ["client_secret"] = IdentityFactory.PartnerSecret, ["scope"] = "registry.contacts",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, partnerAskingContacts.StatusCode);

        var email = Api.NewEmail("contact");
        var id = await Api.RegisterAsync(anonymous, new { kind = "individual", displayName = "Rim", preferredLanguage = "ar", email, phone = "+216 55 123 456" });
        var notifications = await factory.ClientCredentialsTokenAsync(ClientSeedingNames.Notifications, IdentityFactory.NotificationsSecret, "registry.contacts");
        using var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new() { HttpHandler = factory.Server.CreateHandler() });
        var contacts = new Contacts.ContactsClient(channel);

        var reply = await contacts.GetContactDetailsAsync(new() { ParticipantId = id.ToString() }, new Metadata { { "Authorization", $"Bearer {notifications}" } });
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await contacts.GetContactDetailsAsync(new() { ParticipantId = id.ToString() },
            new Metadata { { "Authorization", $"Bearer {partner.EncodedToken}" } }));

        Assert.Equal((email, "+21655123456", "ar", false), (reply.Email, reply.Phone, reply.PreferredLanguage, reply.Erased));
        Assert.Equal(["en", "fr"], reply.FallbackLanguages.Order().ToArray());
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        await factory.ClientFor(Guid.NewGuid(), Roles.Steering).DeleteAsync($"/api/registry/participants/{id}");
        var erased = await contacts.GetContactDetailsAsync(new() { ParticipantId = id.ToString() }, new Metadata { { "Authorization", $"Bearer {notifications}" } });
        Assert.Equal((true, "", ""), (erased.Erased, erased.Email, erased.Phone));
    }

    [Fact]
    public async Task Expired_forged_other_audience_and_unsigned_tokens_get_401()
    {
        var id = await Api.RegisterAsync(anonymous, "individual");
        var server = factory.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var realKey = server.SigningCredentials.First().Key;
        string Sign(SecurityKey key, string audience, DateTime expires, string alg = SecurityAlgorithms.RsaSha256) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IdentityFactory.Issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = id.ToString(), ["role"] = "participant" },
            NotBefore = expires.AddHours(-1),
            IssuedAt = expires.AddHours(-1),
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, alg),
        });

        var valid = Sign(realKey, "agora-api", DateTime.UtcNow.AddMinutes(5));
        var expired = Sign(realKey, "agora-api", DateTime.UtcNow.AddMinutes(-30));
        var otherAudience = Sign(realKey, "workshops-internal", DateTime.UtcNow.AddMinutes(5));
        var forged = Sign(new RsaSecurityKey(RSA.Create(2048)) { KeyId = ((RsaSecurityKey)realKey).KeyId }, "agora-api", DateTime.UtcNow.AddMinutes(5));
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var unsigned = $"{header}.{valid.Split('.')[1]}.";

        Assert.Equal(HttpStatusCode.OK, (await Bearer(valid).GetAsync("/api/registry/me")).StatusCode); // the forger's template is a good token
        foreach (var bad in new[] { expired, otherAudience, forged, unsigned, valid[..^4] + "AAAA" })
        {
            var response = await Bearer(bad).GetAsync("/api/registry/me");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }
}

internal static class ClientSeedingNames
{
    public const string Notifications = Agora.Registry.Identity.ClientSeeding.NotificationsClient;
}
