using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Agora.Charter.Tests;

internal static class Json
{
    public static async Task<JsonElement> ReadAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected, string typeSuffix)
    {
        var problem = await response.ReadAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/" + typeSuffix, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        return problem;
    }

    public static Task<HttpResponseMessage> VoteAsync(this HttpClient client, Guid statement, string value) =>
        client.PostAsJsonAsync($"/api/charter/statements/{statement}/votes", new { value });
}
