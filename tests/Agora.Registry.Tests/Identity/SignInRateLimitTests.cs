using System.Net;

namespace Agora.Registry.Tests.Identity;

public sealed class TightLimitsFactory : RegistryFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => [new("Registry:RateLimits:SignInPerMinute", "3"), new("Registry:RateLimits:RegistrationPerMinute", "2")];
}

public sealed class SignInRateLimitTests(TightLimitsFactory factory) : IClassFixture<TightLimitsFactory>
{
    [Fact]
    public async Task Sign_in_and_token_requests_beyond_the_limit_get_429()
    {
        var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await client.PostAsync("/connect/login", await Api.SignInFormAsync(client, new Dictionary<string, string>
            {
                ["method"] = "password", ["email"] = "nobody@example.tn", ["password"] = "whatever it is", ["returnUrl"] = "/",
            }))).StatusCode);
        }
        var token = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, token.StatusCode);
    }

    [Fact]
    public async Task Registrations_beyond_the_limit_get_429()
    {
        var client = factory.CreateClient();
        await Api.RegisterAsync(client, "individual");
        await Api.RegisterAsync(client, "individual");

        var third = await client.PostAsync("/api/registry/participants", System.Net.Http.Json.JsonContent.Create(new { kind = "individual", displayName = "X", preferredLanguage = "fr", email = Api.NewEmail() }));

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }
}
