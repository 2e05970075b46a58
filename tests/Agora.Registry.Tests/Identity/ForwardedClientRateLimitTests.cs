using System.Net;
using System.Net.Http.Json;

namespace Agora.Registry.Tests.Identity;

/// <summary>
/// Behind the gateway every request comes from the gateway's address: the per-IP limits must count the client it names
/// in X-Forwarded-For, and believe that header only from a trusted proxy (loopback here).
/// </summary>
public sealed class ForwardedClientRateLimitTests(TightLimitsFactory factory) : IClassFixture<TightLimitsFactory>
{
    /// <summary>A client whose connection comes from <paramref name="address"/>.</summary>
    internal static HttpClient ClientFrom(RegistryFactory factory, string address)
    {
        _ = factory.Server; // starts the host
        return new HttpClient(factory.Server.CreateHandler(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address)))
        {
            BaseAddress = factory.Server.BaseAddress,
        };
    }

    /// <summary>A registration, naming <paramref name="forwardedFor"/> as the client when given.</summary>
    internal static async Task<HttpStatusCode> RegisterAsync(HttpClient client, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/registry/participants")
        {
            Content = JsonContent.Create(new { kind = "individual", displayName = "Collectif", preferredLanguage = "fr", email = Api.NewEmail() }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return (await client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Through_a_trusted_proxy_each_forwarded_client_has_its_own_limit()
    {
        using var gateway = ClientFrom(factory, "127.0.0.1");

        // The limit is 2 a minute per client (TightLimitsFactory).
        var first = await RegisterAsync(gateway, "203.0.113.10");
        var second = await RegisterAsync(gateway, "203.0.113.10");
        var third = await RegisterAsync(gateway, "203.0.113.10");
        var otherClient = await RegisterAsync(gateway, "203.0.113.11");

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.Created],
            [first, second, third, otherClient]);
    }

    [Fact]
    public async Task From_anyone_else_a_forwarded_address_is_ignored()
    {
        using var stranger = ClientFrom(factory, "198.51.100.7");

        var first = await RegisterAsync(stranger, "203.0.113.20");
        var second = await RegisterAsync(stranger, "203.0.113.21");
        var third = await RegisterAsync(stranger, "203.0.113.22");

        // All three count against 198.51.100.7, whatever they claim.
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], [first, second, third]);
    }
}

public sealed class TrustedNetworkFactory : RegistryFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
        [new("Registry:RateLimits:RegistrationPerMinute", "1"), new("Agora:TrustedProxies:0", "198.51.100.0/24")];
}

/// <summary>A proxy in a network named under Agora:TrustedProxies (the pod network, the ingress) is believed too.</summary>
public sealed class TrustedNetworkRateLimitTests(TrustedNetworkFactory factory) : IClassFixture<TrustedNetworkFactory>
{
    [Fact]
    public async Task A_proxy_in_a_configured_network_is_believed()
    {
        using var ingress = ForwardedClientRateLimitTests.ClientFrom(factory, "198.51.100.7");
        Task<HttpStatusCode> Register(string client) => ForwardedClientRateLimitTests.RegisterAsync(ingress, client);

        // One a minute per client: two clients behind the same proxy both get through, the first one's second is refused.
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests],
            [await Register("203.0.113.30"), await Register("203.0.113.31"), await Register("203.0.113.30")]);
    }
}
