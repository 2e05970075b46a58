using System.Net;
using System.Net.Http.Json;
using Agora.ServiceDefaults;

namespace Agora.Registry.Tests.Privacy;

public sealed class LogPrivacyTests(LoggedRegistryFactory factory) : IClassFixture<LoggedRegistryFactory>
{
    [Fact]
    public async Task A_registration_export_and_erasure_leave_no_name_email_or_phone_in_the_logs()
    {
        var client = factory.CreateClient();
        var email = Api.NewEmail("khaled.logcheck");
        var id = await Api.RegisterAsync(client, new
        {
            kind = "individual", names = new { ar = "خالد اللوغ", fr = "Khaled Logcheck" }, preferredLanguage = "ar", email, phone = "+216 22 333 444",
        });
        var duplicate = await client.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = "Khaled Logcheck", preferredLanguage = "ar", email });
        var invalid = await client.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = "Khaled Logcheck", preferredLanguage = "ar", email = "khaled.logcheck@", phone = "+216 22 333" });
        var me = factory.ClientFor(id, Roles.Participant);
        await me.GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await me.DeleteAsync("/api/registry/me")).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var logs = string.Join('\n', factory.Logs.Lines);
        Assert.Contains("/api/registry/me", logs, StringComparison.Ordinal); // the capture does see the requests
        foreach (var secret in new[] { email, "khaled.logcheck", "Khaled Logcheck", "خالد", "22333444", "22 333 444", "+21622333444" })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }
}
