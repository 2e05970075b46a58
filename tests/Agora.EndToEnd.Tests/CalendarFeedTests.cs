using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Web;
using Agora.Testing;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// The private calendar URL a phone subscribes to, through the real gateway: it needs no token (calendar apps
/// cannot send one), and the secret in it never reaches the gateway's or the workshops service's logs at the log
/// levels they ship with (docs/operations.md: raising YARP's forwarder to Information would log it).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CalendarFeedTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_calendar_subscription_url_works_through_the_gateway_without_a_token_and_stays_out_of_the_logs()
    {
        using var gateway = new HttpClient { BaseAddress = platform.GatewayRest };
        var email = $"cal-{Guid.NewGuid():N}@example.tn";
        const string password = "correct horse battery staple";
        var registered = await gateway.PostAsJsonAsync("/api/registry/participants",
            new { kind = "individual", displayName = "Salma Trabelsi", preferredLanguage = "fr", email, password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var signedIn = new HttpClient { BaseAddress = platform.GatewayRest };
        signedIn.DefaultRequestHeaders.Authorization = new("Bearer", await SignIn.AccessTokenAsync(platform.GatewayRest, email, password));

        var created = await signedIn.PostAsJsonAsync("/api/workshops/me/calendar-feed", new { lang = "fr" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var url = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        var secret = HttpUtility.ParseQueryString(new Uri(platform.GatewayRest, url).Query)["feed"];
        Assert.False(string.IsNullOrEmpty(secret));

        // The fixture's gateway logs YARP's forwarding at Information (the trace test reads it); this one logs as shipped.
        var (shipped, shippedRest, _) = platform.StartGateway(new Dictionary<string, string> { ["Logging__LogLevel__Yarp.ReverseProxy.Forwarder"] = "Warning" });
        using var phone = new HttpClient { BaseAddress = shippedRest };
        await shipped.WaitUntilAnswersAsync(phone, "/health/ready");

        // What a phone's calendar app does: a plain GET of the URL, no Authorization header.
        var feed = await phone.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        Assert.Equal("text/calendar", feed.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("BEGIN:VCALENDAR", await feed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(feed.Headers.CacheControl?.NoStore);

        // Revoked: the same URL is a 404 problem details.
        Assert.Equal(HttpStatusCode.NoContent, (await signedIn.DeleteAsync(new Uri("/api/workshops/me/calendar-feed", UriKind.Relative))).StatusCode);
        var revoked = await phone.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
        Assert.Equal("application/problem+json", revoked.Content.Headers.ContentType?.MediaType);

        // The detector works: the fixture's gateway, logging YARP's forwarding at Information, does write the URL.
        // Asked last, so that by the time its line is read the shipped gateway has logged what it would log.
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.GetAsync(new Uri(url, UriKind.Relative))).StatusCode);
        await Eventually.UntilAsync(() => platform.Gateway.Output.Any(l => l.Contains(secret, StringComparison.Ordinal)),
            because: "a gateway logging at Information writes the forwarded URL");
        var leaked = shipped.Output.Concat(platform.ServiceProcesses["workshops"].Output).Where(l => l.Contains(secret, StringComparison.Ordinal)).ToList();
        Assert.True(leaked.Count == 0, string.Join('\n', leaked));
    }
}
