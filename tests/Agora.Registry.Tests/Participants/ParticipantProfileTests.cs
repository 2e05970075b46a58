using System.Net;
using System.Net.Http.Json;
using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests.Participants;

public sealed class ParticipantProfileTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    [Fact]
    public async Task A_full_registration_keeps_names_governorate_themes_and_an_e164_phone()
    {
        var email = Api.NewEmail();
        var id = await Api.RegisterAsync(client, new
        {
            kind = "organization",
            category = "union",
            names = new { ar = "الاتحاد الجهوي للشغل بصفاقس", fr = "Union régionale du travail de Sfax" },
            preferredLanguage = "ar",
            governorate = "sfax",
            themes = new[] { "labour", "economic-social-rights" },
            email,
            phone = "74 123 456",
        });

        var me = await factory.ClientFor(id, Roles.Participant).GetAsync("/api/registry/me").JsonAsync(HttpStatusCode.OK);
        Assert.Equal("الاتحاد الجهوي للشغل بصفاقس", me.GetProperty("displayName").GetString());
        Assert.Equal("Union régionale du travail de Sfax", me.GetProperty("names").GetProperty("fr").GetString());
        Assert.Equal("sfax", me.GetProperty("governorate").GetString());
        Assert.Equal(["economic-social-rights", "labour"], me.GetProperty("themes").EnumerateArray().Select(t => t.GetString()!).Order().ToArray());
        Assert.Equal("pending", me.GetProperty("status").GetString());
        var export = await factory.ClientFor(id, Roles.Participant).GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK);
        Assert.Equal("+21674123456", export.GetProperty("phone").GetString());
        Assert.Equal(email, export.GetProperty("email").GetString());
    }

    [Theory]
    [InlineData("Jasmine ياسمين Collective")]
    [InlineData("جمعية \u200Fالنساء\u200F الديمقراطيات")]
    [InlineData("Ⴓ𝔄 — collectif ⵜⴰⵎⴰⵣⵉⵖⵜ")]
    [InlineData("مُحَمَّد الشَّابِّي")]
    public async Task Mixed_script_and_right_to_left_names_are_accepted_as_written(string name)
    {
        var id = await Api.RegisterAsync(client, new { kind = "movement", displayName = name, preferredLanguage = "ar", email = Api.NewEmail() });

        await using var scope = factory.Scope(out var db);
        Assert.Equal(name.Normalize(System.Text.NormalizationForm.FormC), (await db.Participants.SingleAsync(p => p.Id == id)).DisplayName);
    }

    [Theory]
    [InlineData("names", "{\"ar\":\" \\u200B\\u200F \"}", "names.ar")]
    [InlineData("names", "{\"fr\":\"\\u0007\\u0001\"}", "names.fr")]
    [InlineData("names", "{\"fr\":\"\\u0301\\u0301\"}", "names.fr")]
    [InlineData("names", "{\"ar\":\" \\u064E\\u0651 \"}", "names.ar")]
    [InlineData("names", "{\"en\":\"\\uDB40\\uDC41\\uDB40\\uDC42\"}", "names.en")]
    [InlineData("names", "{\"en\":\"Bad\\u202Ename\"}", "names.en")]
    [InlineData("phone", "\"12\"", "phone")]
    [InlineData("phone", "\"+216 99\"", "phone")]
    [InlineData("phone", "\"not a phone\"", "phone")]
    [InlineData("governorate", "\"paris\"", "governorate")]
    [InlineData("themes", "[\"labour\",\"astrology\"]", "themes")]
    [InlineData("category", "\"party\"", "category")]
    [InlineData("demographics", "{\"gender\":\"female\"}", "demographicsConsent")]
    [InlineData("adheresToFoundingCall", "99", "adheresToFoundingCall")]
    public async Task Bad_fields_get_400_naming_them_and_nothing_is_written(string field, string json, string reported)
    {
        var before = await CountAsync();
        var body = $"{{\"kind\":\"individual\",\"displayName\":\"Amel\",\"preferredLanguage\":\"fr\",\"email\":\"{Api.NewEmail()}\",\"{field}\":{json}}}";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var problem = await client.PostAsync("/api/registry/participants", content).JsonAsync(HttpStatusCode.BadRequest);

        Assert.Contains(reported, problem.ErrorFields());
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Themes_come_from_a_managed_list_steering_extends()
    {
        var themes = await client.GetFromJsonAsync<List<ThemeDto>>("/api/registry/themes");
        Assert.Contains(themes!, t => t.Slug == "gender-equality" && t.Ar.Length > 0 && t.Fr.Length > 0);

        var slug = $"water-{Guid.NewGuid():N}"[..20];
        var participant = await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync("/api/registry/themes", new { slug, ar = "الماء", fr = "Eau", en = "Water" });
        var steering = await factory.ClientFor(Guid.NewGuid(), Roles.Steering).PostAsJsonAsync("/api/registry/themes", new { slug, ar = "الماء", fr = "Eau", en = "Water" });
        var again = await factory.ClientFor(Guid.NewGuid(), Roles.Steering).PostAsJsonAsync("/api/registry/themes", new { slug, ar = "الماء", fr = "Eau", en = "Water" });

        Assert.Equal(HttpStatusCode.Forbidden, participant.StatusCode);
        Assert.Equal(HttpStatusCode.Created, steering.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await Api.RegisterAsync(client, new { kind = "individual", displayName = "Sami", preferredLanguage = "fr", email = Api.NewEmail(), themes = new[] { slug } });
    }

    [Fact]
    public async Task A_participant_becomes_active_only_after_adhering_to_the_current_founding_call()
    {
        var current = await client.GetFromJsonAsync<FoundingCallDto>("/api/registry/founding-call");
        Assert.False(string.IsNullOrWhiteSpace(current!.Ar));
        var id = await Api.RegisterAsync(client, "individual");
        var code = await Api.LastCodeAsync(factory, id, "verify-email");
        (await client.PostAsJsonAsync($"/api/registry/participants/{id}/email-verification", new { code })).EnsureSuccessStatusCode();
        var me = factory.ClientFor(id, Roles.Participant);
        Assert.Equal("pending", (await me.GetAsync("/api/registry/me").JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Empty(await Api.EventsAsync<ParticipantActivated>(factory, id));

        var stale = await me.PostAsJsonAsync("/api/registry/me/adherence", new { version = current.Version - 1 });
        var ok = await me.PostAsJsonAsync("/api/registry/me/adherence", new { version = current.Version });

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var view = await ok.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal(current.Version, view.GetProperty("foundingCallVersion").GetInt32());
        Assert.True(view.GetProperty("adheredAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        var activated = Assert.Single(await Api.EventsAsync<ParticipantActivated>(factory, id));
        Assert.Equal(current.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), activated.GetProperty("foundingCallVersion").GetString());
    }

    [Fact]
    public async Task A_new_founding_call_version_is_published_by_steering_and_adherence_must_follow_it()
    {
        var steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);
        var published = await steering.PostAsJsonAsync("/api/registry/founding-call/versions", new { ar = "نص جديد", fr = "Nouveau texte", en = "New text" })
            .JsonAsync(HttpStatusCode.Created);
        var version = published.GetProperty("version").GetInt32();
        var versions = await client.GetFromJsonAsync<List<FoundingCallDto>>("/api/registry/founding-call/versions");

        Assert.Equal(version, versions!.Max(v => v.Version));
        Assert.Contains(versions!, v => v.Version == version - 1);
        var old = await client.PostAsJsonAsync("/api/registry/participants",
            new { kind = "movement", displayName = "Hirak", preferredLanguage = "ar", email = Api.NewEmail(), adheresToFoundingCall = version - 1 });
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        var missing = await steering.PostAsJsonAsync("/api/registry/founding-call/versions", new { ar = "نص", fr = " " });
        Assert.Equal(["en", "fr"], (await missing.JsonAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task Changes_to_one_record_sent_at_once_are_saved_or_refused_with_a_conflict_never_a_500()
    {
        var id = await Api.RegisterAsync(client, "individual");
        var me = factory.ClientFor(id, Roles.Participant);

        // Each reads the record, hashes for a while (Argon2), then writes: they overlap, and all but one meet a row
        // version changed since they read it.
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => me.PutAsJsonAsync("/api/registry/me/password", new { password = $"a new password {i}" })));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Conflict, $"got {r.StatusCode}"));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        var conflict = await responses.First(r => r.StatusCode == HttpStatusCode.Conflict).JsonAsync(HttpStatusCode.Conflict);
        Assert.Equal(ProblemDetailsSetup.TypeBase + "concurrent-update", conflict.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("active,rejected")]
    [InlineData("pending,active")]
    [InlineData("7")]
    public async Task A_status_filter_that_is_not_a_status_name_is_a_400(string status)
    {
        // Enum.TryParse read a comma list as the bitwise or of its members: "active,rejected" listed the erased.
        var steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);
        var bad = await steering.GetAsync($"/api/registry/participants?status={status}").JsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["status"], bad.ErrorFields());
        await steering.GetAsync("/api/registry/participants?status=Active").JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_participant_reads_only_their_own_record_and_steering_reads_all()
    {
        var a = await Api.RegisterAsync(client, "individual");
        var b = await Api.RegisterAsync(client, "individual");

        Assert.Equal(HttpStatusCode.OK, (await factory.ClientFor(a, Roles.Participant).GetAsync($"/api/registry/participants/{a}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(a, Roles.Participant).GetAsync($"/api/registry/participants/{b}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ClientFor(Guid.NewGuid(), Roles.Steering).GetAsync($"/api/registry/participants/{b}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/registry/participants/{b}")).StatusCode);
    }

    [Fact]
    public async Task Editing_the_profile_publishes_only_kind_language_themes_and_consented_attributes()
    {
        var id = await Api.RegisterAsync(client, "individual");
        var me = factory.ClientFor(id, Roles.Participant);

        await me.PatchAsJsonAsync("/api/registry/me", new
        {
            governorate = "gafsa", themes = new[] { "environment" }, preferredLanguage = "ar",
            demographics = new { gender = "female", ageBand = "25-34", occupation = "unemployed" }, demographicsConsent = true,
        }).JsonAsync(HttpStatusCode.OK);
        var changed = (await Api.EventsAsync<ParticipantProfileChanged>(factory, id)).Last();
        Assert.Equal("ar", changed.GetProperty("preferredLanguage").GetString());
        Assert.Equal("gafsa", changed.GetProperty("constituency").GetProperty("governorate").GetString());
        Assert.Equal("female", changed.GetProperty("constituency").GetProperty("gender").GetString());
        Assert.Equal("environment", changed.GetProperty("themes")[0].GetString());

        await me.PatchAsJsonAsync("/api/registry/me", new { demographicsConsent = false }).JsonAsync(HttpStatusCode.OK);
        var withdrawn = (await Api.EventsAsync<ParticipantProfileChanged>(factory, id)).Last();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, withdrawn.GetProperty("constituency").GetProperty("gender").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, withdrawn.GetProperty("constituency").GetProperty("governorate").ValueKind);
        var export = await me.GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, export.GetProperty("demographics").ValueKind);

        var count = (await Api.EventsAsync<ParticipantProfileChanged>(factory, id)).Count;
        await me.PatchAsJsonAsync("/api/registry/me", new { names = new { en = "Amel" } }).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(count, (await Api.EventsAsync<ParticipantProfileChanged>(factory, id)).Count);
    }

    [Fact]
    public async Task Registering_and_editing_the_profile_publish_the_routing_event_with_kind_language_and_governorate_only()
    {
        // The record itself: a field added to it would reach notifications, which must not learn gender, age band, occupation or themes.
        Assert.Equal(["ChangedAt", "Governorate", "Kind", "ParticipantId", "PreferredLanguage"],
            typeof(ParticipantRoutingChanged).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));

        var id = await Api.RegisterAsync(client, "individual");
        Assert.Single(await Api.EventsAsync<ParticipantRoutingChanged>(factory, id));
        var me = factory.ClientFor(id, Roles.Participant);
        await me.PatchAsJsonAsync("/api/registry/me", new
        {
            governorate = "kebili", themes = new[] { "environment" }, preferredLanguage = "fr",
            demographics = new { gender = "female", ageBand = "50-64", occupation = "researcher" }, demographicsConsent = true,
        }).JsonAsync(HttpStatusCode.OK);

        var profiles = await Api.EventsAsync<ParticipantProfileChanged>(factory, id);
        var routings = await Api.EventsAsync<ParticipantRoutingChanged>(factory, id);
        Assert.Equal(2, profiles.Count);
        Assert.Equal(2, routings.Count);
        var (profile, routing) = (profiles.Last(), routings.Last());
        Assert.Equal("female", profile.GetProperty("constituency").GetProperty("gender").GetString());
        Assert.Equal(id, routing.GetProperty("participantId").GetGuid());
        Assert.Equal(("individual", "fr", "kebili"),
            (routing.GetProperty("kind").GetString(), routing.GetProperty("preferredLanguage").GetString(), routing.GetProperty("governorate").GetString()));
        Assert.Equal(profile.GetProperty("changedAt").GetDateTimeOffset(), routing.GetProperty("changedAt").GetDateTimeOffset());
        Assert.Equal(["changedAt", "governorate", "kind", "participantId", "preferredLanguage"],
            routing.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var value in new[] { "female", "50-64", "researcher", "environment", "gender", "ageBand", "occupation", "themes", "constituency" })
        {
            Assert.DoesNotContain(value, routing.GetRawText(), StringComparison.OrdinalIgnoreCase);
        }

        // A change of occupation and themes alone is not a routing change: notifications does not learn of it at all.
        await me.PatchAsJsonAsync("/api/registry/me", new
        {
            themes = new[] { "labour" }, demographics = new { gender = "female", ageBand = "50-64", occupation = "lawyer" },
        }).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, (await Api.EventsAsync<ParticipantProfileChanged>(factory, id)).Count);
        Assert.Equal(2, (await Api.EventsAsync<ParticipantRoutingChanged>(factory, id)).Count);

        // Withdrawing consent clears the individual's governorate: a routing change.
        await me.PatchAsJsonAsync("/api/registry/me", new { demographicsConsent = false }).JsonAsync(HttpStatusCode.OK);
        var withdrawn = (await Api.EventsAsync<ParticipantRoutingChanged>(factory, id)).Last();
        Assert.Equal(3, (await Api.EventsAsync<ParticipantRoutingChanged>(factory, id)).Count);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, withdrawn.GetProperty("governorate").ValueKind);
    }

    private async Task<(int, int)> CountAsync()
    {
        await using var scope = factory.Scope(out var db);
        return (await db.Participants.CountAsync(), await db.Set<OutboxMessage>().CountAsync());
    }

    private sealed record ThemeDto(string Slug, string Ar, string Fr, string En);

    private sealed record FoundingCallDto(int Version, string Ar, string Fr, string En);
}
