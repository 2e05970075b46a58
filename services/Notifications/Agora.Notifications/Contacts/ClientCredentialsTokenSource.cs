using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Agora.Notifications.Contacts;

public sealed class RegistryAuthOptions
{
    /// <summary>The registry's token endpoint; when empty, calls carry no token (local development only).</summary>
    public string? TokenEndpoint { get; set; }
    public string ClientId { get; set; } = "agora-notifications";
    public string? ClientSecret { get; set; }
    public string Scope { get; set; } = "registry.contacts";
}

/// <summary>
/// A client-credentials access token from the registry, cached until shortly before it expires.
/// </summary>
public sealed class ClientCredentialsTokenSource(IHttpClientFactory http, IOptions<RegistryAuthOptions> options, TimeProvider time) : IDisposable
{
    public const string HttpClientName = "registry-token";
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset expiresAt;

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.TokenEndpoint);

    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (token is not null && time.GetUtcNow() < expiresAt)
        {
            return token;
        }
        await gate.WaitAsync(ct);
        try
        {
            if (token is not null && time.GetUtcNow() < expiresAt)
            {
                return token;
            }
            var settings = options.Value;
            using var client = http.CreateClient(HttpClientName);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.ClientId,
                ["client_secret"] = settings.ClientSecret ?? "",
                ["scope"] = settings.Scope,
            });
            using var response = await client.PostAsync(new Uri(settings.TokenEndpoint!), form, ct);
            response.EnsureSuccessStatusCode();
            var reply = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<TokenReply>(response.Content, ct)
                ?? throw new HttpRequestException("The token endpoint answered no token.");
            if (string.IsNullOrEmpty(reply.AccessToken))
            {
                throw new HttpRequestException("The token endpoint answered no token.");
            }
            var lifetime = TimeSpan.FromSeconds(Math.Max(reply.ExpiresIn ?? 300, 1));
            token = reply.AccessToken;
            expiresAt = time.GetUtcNow() + lifetime - TimeSpan.FromSeconds(Math.Min(30, lifetime.TotalSeconds / 2));
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private sealed record TokenReply(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}

/// <summary>Attaches the registry token to each gRPC call to the registry.</summary>
public sealed class RegistryTokenHandler(ClientCredentialsTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (tokens.Enabled)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(cancellationToken));
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
