using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Tests.Minutes;

public sealed class MinutesTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task Minutes_keep_every_version_and_publishing_notifies_the_registrants()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var session = await arrange.SessionAsync(workshop, capacity: 1);
        var confirmed = Guid.NewGuid();
        var waitlisted = Guid.NewGuid();
        await arrange.RegisterAsync(session, confirmed);
        await arrange.RegisterAsync(session, waitlisted);
        var url = $"/api/workshops/workshops/{workshop}/minutes";

        var v1 = await arrange.Rapporteur.PostAsJsonAsync(url, new { sessionId = session, markdown = "# محضر\n\n- نقطة أولى" });
        var v2 = await arrange.Rapporteur.PostAsJsonAsync(url, new { sessionId = session, markdown = "# محضر\n\n- نقطة أولى\n- نقطة ثانية" });
        Assert.Equal(HttpStatusCode.Created, v1.StatusCode);
        Assert.Equal(2, (await v2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());

        // Drafts are the rapporteur's; registrants see nothing until publication.
        Assert.Empty((await Arrange.Participant(factory, confirmed).GetFromJsonAsync<JsonElement>(url)).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await Arrange.Participant(factory, confirmed).GetAsync($"{url}/2")).StatusCode);

        var publish = await arrange.Rapporteur.PostAsync($"{url}/2/publish", null);
        Assert.Equal(HttpStatusCode.OK, publish.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await arrange.Rapporteur.PostAsync($"{url}/2/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await arrange.Rapporteur.PostAsync($"{url}/9/publish", null)).StatusCode);

        var evt = Assert.Single(await arrange.EventsAsync("MinutesPublished", workshop));
        Assert.Equal(2, evt.GetProperty("version").GetInt32());
        Assert.Equal(new[] { confirmed, waitlisted }.Order(), evt.GetProperty("recipients").EnumerateArray().Select(e => e.GetGuid()).Order());
        var seen = await Arrange.Participant(factory, waitlisted).GetFromJsonAsync<JsonElement>($"{url}/2");
        Assert.Contains("نقطة ثانية", seen.GetProperty("markdown").GetString(), StringComparison.Ordinal);
        var history = await arrange.Rapporteur.GetFromJsonAsync<JsonElement>(url);
        Assert.Equal([1, 2], history.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await Arrange.Participant(factory, Guid.NewGuid()).GetAsync($"{url}/2")).StatusCode);
    }

    [Fact]
    public async Task Only_the_rapporteur_writes_minutes_and_empty_minutes_get_400()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var url = $"/api/workshops/workshops/{workshop}/minutes";
        Assert.Equal(HttpStatusCode.BadRequest, (await arrange.Rapporteur.PostAsJsonAsync(url, new { markdown = "  " })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(Guid.NewGuid(), Agora.ServiceDefaults.Roles.Rapporteur)
            .PostAsJsonAsync(url, new { markdown = "# x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await arrange.Facilitator.PostAsJsonAsync(url, new { markdown = "# x" })).StatusCode);
    }

    [Fact]
    public async Task Minutes_with_control_characters_get_400_naming_the_field_and_no_version_is_written()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var url = $"/api/workshops/workshops/{workshop}/minutes";

        var response = await arrange.Rapporteur.PostAsJsonAsync(url, new { markdown = "# Procès-verbal\n\nDécision\u0000 adoptée" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("markdown", out _));
        await using (factory.Scope(out var db))
        {
            Assert.False(await db.Minutes.AnyAsync(m => m.WorkshopId == workshop));
        }
        Assert.Equal(HttpStatusCode.Created, (await arrange.Rapporteur.PostAsJsonAsync(url, new { markdown = "# Procès-verbal\r\n\n\t- adoptée" })).StatusCode);
    }

    [Fact]
    public async Task Minutes_of_only_invisible_characters_get_the_same_is_required_400_and_no_version_is_written()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var url = $"/api/workshops/workshops/{workshop}/minutes";

        // Zero-width spaces, a bidi override, a combining mark with no letter, tag characters beyond U+FFFF: nothing shows.
        foreach (var markdown in new[] { "\u200B\u200B\u200B", "\u200B\n\u202E\t\u0301", "\U000E0041\U000E0042 " })
        {
            var response = await arrange.Rapporteur.PostAsJsonAsync(url, new { markdown });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Equal(["is required."], errors.GetProperty("markdown").EnumerateArray().Select(e => e.GetString()));
        }
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Minutes.AnyAsync(m => m.WorkshopId == workshop));
    }

    [Fact]
    public async Task Concurrent_saves_get_consecutive_versions()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            arrange.Rapporteur.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/minutes", new { markdown = $"v{i}" })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var versions = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32()));
        Assert.Equal(Enumerable.Range(1, 6), versions.Order());
    }
}
