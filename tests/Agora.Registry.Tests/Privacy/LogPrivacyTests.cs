using System.Net;
using System.Net.Http.Json;
using Agora.ServiceDefaults;

namespace Agora.Registry.Tests.Privacy;

public sealed class LogPrivacyTests(LoggedRegistryFactory factory) : IClassFixture<LoggedRegistryFactory>
{
    [Fact]
    public async Task A_registration_sign_in_export_and_erasure_leave_no_name_email_phone_password_or_code_in_the_logs()
    {
        var client = factory.CreateClient();
        var email = Api.NewEmail("khaled.logcheck");
        var id = await Api.RegisterAsync(client, new
        {
            kind = "individual", names = new { ar = "خالد اللوغ", fr = "Khaled Logcheck" }, preferredLanguage = "ar", email, phone = "+216 22 333 444",
        });
        var duplicate = await client.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = "Khaled Logcheck", preferredLanguage = "ar", email });
        var invalid = await client.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = "Khaled Logcheck", preferredLanguage = "ar", email = "khaled.logcheck@", phone = "+216 22 333" });
        using var form = await Api.SignInFormAsync(client, new Dictionary<string, string> { ["method"] = "password", ["email"] = email, ["password"] = "not the password at all", ["returnUrl"] = "/" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/connect/login", form)).StatusCode);
        using var askCode = await Api.SignInFormAsync(client, new Dictionary<string, string> { ["email"] = email, ["returnUrl"] = "/" });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/connect/login/code", askCode)).StatusCode);
        var signInCode = await Api.LastCodeAsync(factory, id, "sign-in");
        var verifyCode = await Api.LastCodeAsync(factory, id, "verify-email");
        var browser = factory.CreateClient(new() { AllowAutoRedirect = false });
        using var withCode = await Api.SignInFormAsync(browser, new Dictionary<string, string> { ["method"] = "code", ["email"] = email, ["code"] = signInCode, ["returnUrl"] = "/" });
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/connect/login", withCode)).StatusCode);
        var me = factory.ClientFor(id, Roles.Participant);
        await me.GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await me.DeleteAsync("/api/registry/me")).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var logs = string.Join('\n', factory.Logs.Lines);
        Assert.Contains("/api/registry/me", logs, StringComparison.Ordinal); // the capture does see the requests
        foreach (var secret in new[] { email, "khaled.logcheck", "Khaled Logcheck", "خالد", "22333444", "22 333 444", "+21622333444", "not the password", signInCode, verifyCode })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }
}
