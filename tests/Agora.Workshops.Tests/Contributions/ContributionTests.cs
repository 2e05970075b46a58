using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Tests.Contributions;

public sealed class ContributionTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    private async Task<(Guid Workshop, Guid Session, Guid Member)> MemberAsync()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var session = await arrange.SessionAsync(workshop, capacity: 10);
        var member = Guid.NewGuid();
        await arrange.RegisterAsync(session, member);
        return (workshop, session, member);
    }

    private static async Task<Guid> SubmitAsync(HttpClient client, Guid workshop, string text, string type = "demand", string language = "ar")
    {
        var response = await client.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/contributions", new { type, language, text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_participants_contribution_validated_by_the_rapporteur_is_published_for_the_charter()
    {
        var (workshop, session, member) = await MemberAsync();
        var client = Arrange.Participant(factory, member);
        var response = await client.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/contributions",
            new { sessionId = session, type = "demand", language = "ar", text = "  الحق في الماء الصالح للشرب لكل الجهات  " });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Empty(await arrange.EventsAsync("ContributionValidated", id));

        var edit = await arrange.Rapporteur.PutAsJsonAsync($"/api/workshops/contributions/{id}",
            new { text = "الحق في الماء الصالح للشرب في كل الجهات", theme = "water" });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var validate = await arrange.Rapporteur.PostAsync($"/api/workshops/contributions/{id}/validate", null);
        Assert.Equal(HttpStatusCode.OK, validate.StatusCode);
        var again = await arrange.Rapporteur.PostAsync($"/api/workshops/contributions/{id}/validate", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var lateEdit = await arrange.Rapporteur.PutAsJsonAsync($"/api/workshops/contributions/{id}", new { text = "نص آخر" });
        Assert.Equal(HttpStatusCode.Conflict, lateEdit.StatusCode);

        var evt = Assert.Single(await arrange.EventsAsync("ContributionValidated", id));
        Assert.Equal("الحق في الماء الصالح للشرب في كل الجهات", evt.GetProperty("text").GetString());
        Assert.Equal("water", evt.GetProperty("theme").GetString());
        Assert.Equal("demand", evt.GetProperty("type").GetString());
        Assert.Equal("ar", evt.GetProperty("language").GetString());
        Assert.Equal(session, evt.GetProperty("sessionId").GetGuid());
        Assert.DoesNotContain(member.ToString(), evt.ToString(), StringComparison.Ordinal);
        await using var scope = factory.Scope(out var db);
        var stored = await db.Contributions.SingleAsync(c => c.Id == id);
        Assert.Equal("الحق في الماء الصالح للشرب لكل الجهات", stored.OriginalText);
    }

    [Theory]
    [InlineData("   ", "value", "fr", "text")]
    [InlineData("\u200B \t\n", "value", "fr", "text")]
    [InlineData("ok", "slogan", "fr", "type")]
    [InlineData("ok", "value", "de", "language")]
    public async Task Bad_contributions_get_400_and_nothing_is_written(string text, string type, string language, string field)
    {
        var (workshop, _, member) = await MemberAsync();
        var response = await Arrange.Participant(factory, member).PostAsJsonAsync($"/api/workshops/workshops/{workshop}/contributions", new { type, language, text });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Contributions.AnyAsync(c => c.WorkshopId == workshop));
    }

    [Fact]
    public async Task Control_characters_in_a_contribution_get_400_naming_the_field_and_nothing_is_written()
    {
        var (workshop, _, member) = await MemberAsync();
        var client = Arrange.Participant(factory, member);
        var url = $"/api/workshops/workshops/{workshop}/contributions";

        var nul = await client.PostAsJsonAsync(url, new { type = "value", language = "fr", text = "La dignité\u0000 pour tous" });
        var bell = await client.PostAsJsonAsync(url, new { type = "value", language = "fr", text = "La dignité\u0007" });
        var theme = await client.PostAsJsonAsync(url, new { type = "value", language = "fr", theme = "eau\u0000", text = "La dignité" });

        foreach (var (response, field) in new[] { (nul, "text"), (bell, "text"), (theme, "theme") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected an error on {field}: {problem}");
        }
        await using (factory.Scope(out var db))
        {
            Assert.False(await db.Contributions.AnyAsync(c => c.WorkshopId == workshop));
        }

        // The rapporteur's edit is held to the same rule; line breaks and tabs stay allowed.
        var id = await SubmitAsync(client, workshop, "Le droit au travail\n\tpour tous", "demand", "fr");
        var edit = await arrange.Rapporteur.PutAsJsonAsync($"/api/workshops/contributions/{id}", new { text = "Le droit\u0000 au travail" });
        Assert.Equal(HttpStatusCode.BadRequest, edit.StatusCode);
        Assert.True((await edit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("text", out _));
        await using var scope = factory.Scope(out var check);
        Assert.Equal("Le droit au travail\n\tpour tous", (await check.Contributions.SingleAsync(c => c.Id == id)).Text);
    }

    [Fact]
    public async Task Contributions_over_the_length_limit_get_400_and_nothing_is_written_and_at_the_limit_pass()
    {
        var (workshop, _, member) = await MemberAsync();
        var client = Arrange.Participant(factory, member);
        var tooLong = await client.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/contributions", new { type = "value", language = "fr", text = new string('é', 2001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("text", out _));
        await using (factory.Scope(out var db))
        {
            Assert.False(await db.Contributions.AnyAsync(c => c.WorkshopId == workshop));
        }

        var id = await SubmitAsync(client, workshop, new string('é', 2000), "value", "fr");
        await using var scope = factory.Scope(out var check);
        Assert.Equal(id, (await check.Contributions.SingleAsync(c => c.WorkshopId == workshop)).Id);
    }

    [Fact]
    public async Task Only_the_workshops_members_contribute_and_only_its_rapporteur_validates()
    {
        var (workshop, _, member) = await MemberAsync();
        var outsider = await Arrange.Participant(factory, Guid.NewGuid()).PostAsJsonAsync($"/api/workshops/workshops/{workshop}/contributions",
            new { type = "value", language = "en", text = "Dignity" });
        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
        var id = await SubmitAsync(Arrange.Participant(factory, member), workshop, "Dignity", "value", "en");

        var otherRapporteur = factory.ClientFor(Guid.NewGuid(), Agora.ServiceDefaults.Roles.Rapporteur);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherRapporteur.PostAsync($"/api/workshops/contributions/{id}/validate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Arrange.Participant(factory, member).PostAsync($"/api/workshops/contributions/{id}/validate", null)).StatusCode);
        Assert.Empty(await arrange.EventsAsync("ContributionValidated", id));
    }

    [Fact]
    public async Task The_rapporteur_merges_contributions_into_one_validated_statement()
    {
        var (workshop, _, member) = await MemberAsync();
        var client = Arrange.Participant(factory, member);
        var a = await SubmitAsync(client, workshop, "Le droit au travail", "demand", "fr");
        var b = await SubmitAsync(client, workshop, "Un emploi digne pour les diplômés", "demand", "fr");

        var merge = await arrange.Rapporteur.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/contributions/merge",
            new { sourceIds = new[] { a, b }, type = "demand", language = "fr", text = "Le droit à un travail digne" });
        Assert.Equal(HttpStatusCode.Created, merge.StatusCode);
        var merged = (await merge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var evt = Assert.Single(await arrange.EventsAsync("ContributionValidated", merged));
        Assert.Equal(new[] { a, b }.Order(), evt.GetProperty("mergedFrom").EnumerateArray().Select(e => e.GetGuid()).Order());
        var twice = await arrange.Rapporteur.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/contributions/merge",
            new { sourceIds = new[] { a, b }, type = "demand", language = "fr", text = "Encore" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await arrange.Rapporteur.PostAsync($"/api/workshops/contributions/{a}/validate", null)).StatusCode);

        await using var scope = factory.Scope(out var db);
        Assert.All(await db.Contributions.Where(c => c.Id == a || c.Id == b).ToListAsync(), c =>
        {
            Assert.Equal("merged", c.Status);
            Assert.Equal(merged, c.MergedInto);
        });
    }
}
