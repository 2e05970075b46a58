using System.Security.Claims;
using System.Security.Cryptography;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Agora.Registry.Tests.Identity;

/// <summary>
/// The validated-token cache every service's JWT bearer authentication uses: it may skip the
/// signature check only for the exact token text that passed it, only until that token expires
/// and never longer than five minutes, and never hands two requests the same identity.
/// </summary>
public sealed class CachingJsonWebTokenHandlerTests : IDisposable
{
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "cache-test" };
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly CachingJsonWebTokenHandler handler;
    private int signatureChecks;

    public CachingJsonWebTokenHandlerTests() => handler = new CachingJsonWebTokenHandler(100, clock);

    public void Dispose() => handler.Dispose();

    /// <summary>Real validation (issuer, audience, lifetime, RSA signature), counting the signature checks.</summary>
    private TokenValidationParameters Parameters()
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = TestTokens.Issuer,
            ValidAudience = TestTokens.Audience,
            NameClaimType = "sub",
            RoleClaimType = "role",
        };
        parameters.IssuerSigningKeyResolver = (_, _, _, _) =>
        {
            Interlocked.Increment(ref signatureChecks); // asked once per signature check, which then uses Key
            return [Key];
        };
        return parameters;
    }

    private static string Token(TimeSpan lifetime, SecurityKey? key = null) =>
        TestTokens.Create(Guid.NewGuid().ToString(), [Roles.Participant], lifetime, key: key ?? Key);

    [Fact]
    public async Task A_token_that_validated_is_not_checked_again_and_keeps_its_claims()
    {
        var token = Token(TimeSpan.FromMinutes(30));

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, signatureChecks);
        Assert.Equal(first.ClaimsIdentity.Name, second.ClaimsIdentity.Name);
        Assert.True(new ClaimsPrincipal(second.ClaimsIdentity).IsInRole(Roles.Participant));
        Assert.Equal(first.SecurityToken.Id, second.SecurityToken.Id);
    }

    [Fact]
    public async Task Each_caller_gets_its_own_identity()
    {
        var token = Token(TimeSpan.FromMinutes(30));

        var first = await handler.ValidateTokenAsync(token, Parameters());
        first.ClaimsIdentity.AddClaim(new Claim("role", Roles.Steering));
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.False(new ClaimsPrincipal(second.ClaimsIdentity).IsInRole(Roles.Steering));
    }

    [Fact]
    public async Task A_token_is_checked_again_after_it_expires_and_after_five_minutes_at_most()
    {
        var longLived = Token(TimeSpan.FromMinutes(30));
        var shortLived = Token(TimeSpan.FromSeconds(90));
        await handler.ValidateTokenAsync(longLived, Parameters());
        await handler.ValidateTokenAsync(shortLived, Parameters());
        Assert.Equal(2, signatureChecks);

        clock.Advance(TimeSpan.FromMinutes(2));
        await handler.ValidateTokenAsync(longLived, Parameters()); // remembered
        await handler.ValidateTokenAsync(shortLived, Parameters()); // past its exp on the handler's clock
        Assert.Equal(3, signatureChecks);

        clock.Advance(TimeSpan.FromMinutes(4)); // six minutes after the first check
        Assert.True((await handler.ValidateTokenAsync(longLived, Parameters())).IsValid);
        Assert.Equal(4, signatureChecks);
    }

    [Fact]
    public async Task Only_the_exact_token_that_passed_is_remembered_and_failures_are_not()
    {
        var token = Token(TimeSpan.FromMinutes(30));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        // Same header and claims, one character of the signature changed: checked in full, and refused.
        var tampered = token[..^10] + (token[^10] == 'A' ? 'B' : 'A') + token[^9..];
        Assert.False((await handler.ValidateTokenAsync(tampered, Parameters())).IsValid);

        var forged = Token(TimeSpan.FromMinutes(30), new RsaSecurityKey(RSA.Create(2048)) { KeyId = "cache-test" });
        Assert.False((await handler.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.Equal(4, signatureChecks);
    }
}
