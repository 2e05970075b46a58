using System.Net;
using Agora.Contracts.Registry;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests.Identity;

/// <summary>The sign-in forms refuse posts without a valid antiforgery token, before any sign-in work.</summary>
public sealed class SignInAntiforgeryTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    private const string Password = "correct horse battery staple";
    private const string TokenField = "__RequestVerificationToken";

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static FormUrlEncodedContent Form(string email, string password, string? token = null)
    {
        var fields = new Dictionary<string, string> { ["method"] = "password", ["email"] = email, ["password"] = password, ["returnUrl"] = "/after" };
        if (token is not null)
        {
            fields[TokenField] = token;
        }
        return new FormUrlEncodedContent(fields);
    }

    private static bool SetsLoginCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("agora.registry.login=", StringComparison.Ordinal));

    [Fact]
    public async Task The_sign_in_page_carries_an_antiforgery_token_and_sets_its_cookie()
    {
        var response = await Browser().GetAsync("/connect/login?step=code");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(page, TokenField)); // both forms
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("agora.registry.antiforgery=", StringComparison.Ordinal) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_password_sign_in_without_a_token_is_refused_with_400_and_neither_signs_in_nor_counts_a_failure()
    {
        var email = Api.NewEmail("csrf");
        var id = await Api.RegisterAsync(factory.CreateClient(), "individual", email, password: Password);
        var browser = Browser();
        await browser.GetAsync("/connect/login"); // the visitor has the antiforgery cookie; the forged post has no token

        var rightPassword = await browser.PostAsync("/connect/login", Form(email, Password));
        var wrongPasswords = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            wrongPasswords.Add((await browser.PostAsync("/connect/login", Form(email, "wrong password " + i))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, rightPassword.StatusCode);
        Assert.False(SetsLoginCookie(rightPassword));
        var page = await rightPassword.Content.ReadAsStringAsync();
        Assert.Contains("role=\"alert\"", page, StringComparison.Ordinal); // the form again, with an error and a fresh token
        Assert.NotEmpty(Api.AntiforgeryToken(page));
        Assert.All(wrongPasswords, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        await using (var scope = factory.Scope(out var db))
        {
            var p = await db.Participants.AsNoTracking().SingleAsync(p => p.Id == id);
            Assert.Equal((0, (DateTimeOffset?)null), (p.FailedSignIns, p.LockedUntil)); // seven refused posts, no lockout
        }
        // With the token from the rendered page the same browser signs in.
        var signedIn = await browser.PostAsync("/connect/login", Form(email, Password, Api.AntiforgeryToken(page)));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/after", signedIn.Headers.Location?.OriginalString);
        Assert.True(SetsLoginCookie(signedIn));
    }

    [Fact]
    public async Task A_token_without_its_cookie_or_a_forged_token_is_refused()
    {
        var email = Api.NewEmail("csrf.other");
        await Api.RegisterAsync(factory.CreateClient(), "individual", email, password: Password);
        var victim = Browser();
        var attackerToken = Api.AntiforgeryToken(await Browser().GetStringAsync("/connect/login")); // another visitor's page
        await victim.GetAsync("/connect/login");

        var withOthersToken = await victim.PostAsync("/connect/login", Form(email, Password, attackerToken));
        var withoutCookie = await factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false })
            .PostAsync("/connect/login", Form(email, Password, attackerToken));
        var forged = await victim.PostAsync("/connect/login", Form(email, Password, "CfDJ8forged" + new string('A', 100)));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (withOthersToken.StatusCode, withoutCookie.StatusCode, forged.StatusCode));
        Assert.False(SetsLoginCookie(withOthersToken) || SetsLoginCookie(withoutCookie) || SetsLoginCookie(forged));
    }

    [Fact]
    public async Task A_code_request_without_a_token_sends_no_code_and_with_the_page_token_sends_one()
    {
        var email = Api.NewEmail("csrf.code");
        var id = await Api.RegisterAsync(factory.CreateClient(), "individual", email);
        var browser = Browser();
        var token = Api.AntiforgeryToken(await browser.GetStringAsync("/connect/login"));
        var codesBefore = (await Api.EventsAsync<OneTimeCodeIssued>(factory, id)).Count(e => e.GetProperty("purpose").GetString() == "sign-in");

        var forged = await browser.PostAsync("/connect/login/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = email, ["returnUrl"] = "/" }));
        var afterForged = (await Api.EventsAsync<OneTimeCodeIssued>(factory, id)).Count(e => e.GetProperty("purpose").GetString() == "sign-in");
        var genuine = await browser.PostAsync("/connect/login/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = email, ["returnUrl"] = "/", [TokenField] = token }));
        var afterGenuine = (await Api.EventsAsync<OneTimeCodeIssued>(factory, id)).Count(e => e.GetProperty("purpose").GetString() == "sign-in");

        Assert.Equal(0, codesBefore);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(0, afterForged);
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal(1, afterGenuine);
    }
}
