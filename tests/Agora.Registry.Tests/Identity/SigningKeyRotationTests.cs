using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Registry.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Agora.Registry.Tests.Identity;

/// <summary>
/// The same registry (same database, same privacy key) restarted after a rotation of its token
/// keys: <paramref name="before"/>'s signing and encryption keys become the previous keys, new
/// ones sign and encrypt.
/// </summary>
public sealed class RotatedIdentityFactory(IdentityFactory before) : IdentityFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> MoreSettings =>
    [
        new("ConnectionStrings:registrydb", before.DatabaseConnectionString),
        new("Registry:Privacy:KeyFile", before.KeyFile),
        new($"{KeyFiles.PreviousSigningKeysSetting}:0", before.SigningKeyFile),
        new($"{KeyFiles.PreviousEncryptionKeysSetting}:0", before.EncryptionKeyFile),
    ];
}

/// <summary>A registry before a key rotation, and the same one after.</summary>
public sealed class KeyRotationFixture : IAsyncLifetime
{
    public IdentityFactory Before { get; } = new();

    public RotatedIdentityFactory After { get; private set; } = null!;

    /// <summary>Starts the rotated registry (once the test has used the one before).</summary>
    public async Task<RotatedIdentityFactory> RotateAsync()
    {
        After = new RotatedIdentityFactory(Before);
        await After.InitializeAsync();
        return After;
    }

    public Task InitializeAsync() => Before.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (After is not null)
        {
            await After.DisposeAsync();
        }
        await Before.DisposeAsync();
    }
}

public sealed class SigningKeyRotationTests(KeyRotationFixture keys) : IClassFixture<KeyRotationFixture>
{
    private const string Password = "correct horse battery staple";

    private static async Task<string[]> PublishedKeyIdsAsync(IdentityFactory registry)
    {
        using var client = registry.CreateClient();
        var discovery = await client.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        var jwks = await client.GetFromJsonAsync<JsonElement>(new Uri(discovery.GetProperty("jwks_uri").GetString()!).PathAndQuery);
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToArray();
    }

    private static async Task<HttpStatusCode> MeAsync(IdentityFactory registry, string accessToken)
    {
        using var client = registry.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return (await client.GetAsync("/api/registry/me")).StatusCode;
    }

    [Fact]
    public async Task Tokens_issued_before_a_rotation_still_work_after_it_and_new_tokens_are_signed_with_the_new_key()
    {
        var email = Api.NewEmail("rotation");
        await Api.RegisterAsync(keys.Before.CreateClient(), "individual", email, password: Password);
        var beforeLogin = await keys.Before.OidcClient(keys.Before.Browser(email, Password)).LoginAsync();
        Assert.False(beforeLogin.IsError, beforeLogin.Error);
        var oldKid = new JsonWebToken(beforeLogin.AccessToken).Kid;
        Assert.Equal([oldKid], await PublishedKeyIdsAsync(keys.Before));

        var after = await keys.RotateAsync();

        // Discovery / JWKS publish the new key and the previous one.
        var published = await PublishedKeyIdsAsync(after);
        Assert.Equal(2, published.Length);
        Assert.Contains(oldKid, published);
        var newKid = Assert.Single(published, kid => kid != oldKid);
        // The access token signed with the previous key is still accepted.
        Assert.Equal(HttpStatusCode.OK, await MeAsync(after, beforeLogin.AccessToken));
        // The refresh token issued (signed and encrypted) with the previous keys still refreshes; the new access token carries the new key.
        var refreshed = await after.OidcClient(after.Browser(email, Password)).RefreshTokenAsync(beforeLogin.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error + " " + refreshed.ErrorDescription);
        Assert.Equal(newKid, new JsonWebToken(refreshed.AccessToken).Kid);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(after, refreshed.AccessToken));
        // A fresh sign-in is signed with the new key; the identity token validates against the published JWKS (the OIDC client checks it).
        var afterLogin = await after.OidcClient(after.Browser(email, Password)).LoginAsync();
        Assert.False(afterLogin.IsError, afterLogin.Error);
        Assert.Equal(newKid, new JsonWebToken(afterLogin.AccessToken).Kid);
        Assert.Equal(newKid, new JsonWebToken(afterLogin.IdentityToken).Kid);
        // The registry before the rotation does not know the new key: the new tokens really are signed with it.
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(keys.Before, afterLogin.AccessToken));
    }
}
