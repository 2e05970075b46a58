using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Agora.Gateway;

/// <summary>Readiness of one proxied service: its own <c>/health/ready</c>.</summary>
public sealed class DestinationHealthCheck(IHttpClientFactory clients, Uri address) : IHealthCheck
{
    public const string HttpClientName = "destination-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(new Uri(address, "/health/ready"), cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy(address.Authority)
                : HealthCheckResult.Unhealthy($"{address.Authority} answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException)
        {
            return HealthCheckResult.Unhealthy($"{address.Authority} is unreachable");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{address.Authority} timed out");
        }
    }
}
