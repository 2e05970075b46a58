using System.Net.Http.Headers;
using Agora.Registry.Tests.Identity;
using Agora.Testing;
using Duende.IdentityModel.OidcClient;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Agora.Registry.Tests.Privacy;

/// <summary>The registry with the log levels it ships with (appsettings.json), every line captured.</summary>
public sealed class ShippedLogLevelsFactory : IdentityFactory
{
    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}

public sealed class ShippedLogLevelsTests(ShippedLogLevelsFactory factory) : IClassFixture<ShippedLogLevelsFactory>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_sign_in_by_authorization_code_leaves_no_pkce_verifier_code_token_or_email_in_the_logs_it_ships_with()
    {
        var email = Api.NewEmail("shipped.levels");
        await Api.RegisterAsync(factory.CreateClient(), "individual", email, password: Password);
        var oidc = factory.OidcClient(factory.Browser(email, Password));
        var state = await oidc.PrepareLoginAsync();
        var browser = await factory.Browser(email, Password).InvokeAsync(new(state.StartUrl, IdentityFactory.WebRedirect));
        var login = await oidc.ProcessResponseAsync(browser.Response, state);
        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        var code = System.Web.HttpUtility.ParseQueryString(new Uri(browser.Response).Query)["code"]!;
        var me = factory.CreateClient();
        me.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.AccessToken);
        (await me.GetAsync("/api/registry/me")).EnsureSuccessStatusCode();

        var logs = string.Join('\n', factory.Logs.Lines);
        Assert.Contains("Application started", logs, StringComparison.Ordinal); // the capture sees what the service logs
        foreach (var secret in new[] { state.CodeVerifier, code, login.AccessToken, login.RefreshToken, login.IdentityToken, email, Password })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }
}
