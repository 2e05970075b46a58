using System.Net;
using System.Net.Http.Headers;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// The gateway's body limit is 1 MiB, except where a route's metadata raises it: the Pol.is import, whose real exports
/// run to several MiB (two of the stable datasets' votes.csv are over 1.5 MB), gets 8 MiB.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BodyLimitTests(PlatformFixture platform)
{
    private readonly HttpClient gateway = new() { BaseAddress = platform.GatewayRest };

    private static ByteArrayContent Multipart(int bytes)
    {
        var content = new ByteArrayContent(new byte[bytes]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=agora");
        return content;
    }

    [Fact]
    public async Task A_Polis_export_over_1_MiB_reaches_the_charter_service()
    {
        // Anonymous: the charter service itself answers 401, which it can only do once the gateway let the body through.
        var response = await gateway.PostAsync("/api/charter/conversations/import/polis", Multipart(2 * 1024 * 1024));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>
    /// Declared length over the limit: the gateway answers 413 without reading the body. The client waits for that
    /// answer before sending (Expect: 100-continue), as it would otherwise be writing into a connection being closed.
    /// </summary>
    private async Task<HttpResponseMessage> PostExpectingContinueAsync(string path, int bytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Multipart(bytes) };
        request.Headers.ExpectContinue = true;
        return await gateway.SendAsync(request);
    }

    [Fact]
    public async Task The_import_route_has_a_limit_too_and_other_routes_keep_1_MiB()
    {
        var import = await PostExpectingContinueAsync("/api/charter/conversations/import/polis", 9 * 1024 * 1024);
        var elsewhere = await PostExpectingContinueAsync($"/api/charter/statements/{Guid.NewGuid()}/votes", 2 * 1024 * 1024);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, import.StatusCode);
        Assert.Equal("application/problem+json", import.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, elsewhere.StatusCode);
    }
}
