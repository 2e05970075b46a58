using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Registry.Directory;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests.Directory;

/// <summary>A directory of its own: the tests change consent and search text.</summary>
public sealed class DirectoryConsentFactory : RegistryFactory;

/// <summary>An individual's governorate is public in the directory only with their consent (as in events and the mosaic).</summary>
public sealed class DirectoryConsentTests(DirectoryConsentFactory factory) : IClassFixture<DirectoryConsentFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    private async Task<List<JsonElement>> ItemsAsync(string query) =>
        (await client.GetAsync("/api/registry/directory" + query).JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();

    private async Task<List<Guid>> IdsAsync(string query) => (await ItemsAsync(query)).Select(i => i.GetProperty("id").GetGuid()).ToList();

    private async Task<string?> GovernorateShownAsync(Guid id, string query) =>
        (await ItemsAsync(query)).Single(i => i.GetProperty("id").GetGuid() == id).GetProperty("governorate").GetString();

    [Fact]
    public async Task An_individuals_governorate_is_shown_and_searchable_only_while_they_consent()
    {
        var org = await Api.RegisterAsync(client, new { kind = "organization", names = new { fr = "Ligue de Kasserine" }, preferredLanguage = "fr", governorate = "kasserine", email = Api.NewEmail() });
        var salma = await Api.RegisterAsync(client, new { kind = "individual", names = new { fr = "Salma Abidi" }, preferredLanguage = "fr", governorate = "kasserine", directoryOptIn = true, email = Api.NewEmail() });
        await Arrange.ActivateAsync(factory, org, salma);
        var me = factory.ClientFor(salma, Roles.Participant);

        // Without consent: listed, without governorate; neither the filter nor the words find her.
        Assert.Null(await GovernorateShownAsync(salma, "?q=abidi"));
        Assert.Equal([org], await IdsAsync("?governorate=kasserine"));
        Assert.Equal([org], await IdsAsync("?q=kasserine"));
        Assert.Equal("kasserine", await GovernorateShownAsync(org, "?q=ligue")); // an organization's stays public

        await me.PatchAsJsonAsync("/api/registry/me", new
        {
            demographics = new { gender = "female", ageBand = "25-34", occupation = "unemployed" }, demographicsConsent = true,
        }).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("kasserine", await GovernorateShownAsync(salma, "?q=abidi"));
        Assert.Equal(new[] { org, salma }.Order(), (await IdsAsync("?governorate=kasserine")).Order());
        Assert.Equal(new[] { org, salma }.Order(), (await IdsAsync("?q=kasserine")).Order());
        Assert.Equal([salma], await IdsAsync("?q=salma%20kasserine&governorate=kasserine&kind=individual"));

        await me.PatchAsJsonAsync("/api/registry/me", new { demographicsConsent = false }).JsonAsync(HttpStatusCode.OK);

        Assert.Null(await GovernorateShownAsync(salma, "?q=abidi"));
        Assert.Equal([org], await IdsAsync("?governorate=kasserine"));
        Assert.Equal([org], await IdsAsync("?q=kasserine"));
    }

    [Fact]
    public async Task Search_text_saved_before_the_rule_loses_the_governorate_of_individuals_without_consent_at_migration()
    {
        var karim = await Api.RegisterAsync(client, new { kind = "individual", names = new { fr = "Karim Ben Salah" }, preferredLanguage = "fr", governorate = "ben-arous", directoryOptIn = true, email = Api.NewEmail() });
        var consenting = await Api.RegisterAsync(client, new
        {
            kind = "individual", names = new { fr = "Ines Ben Salah" }, preferredLanguage = "fr", governorate = "ben-arous", directoryOptIn = true, email = Api.NewEmail(),
            demographics = new { gender = "female", ageBand = "25-34", occupation = "student" }, demographicsConsent = true,
        });
        await Arrange.ActivateAsync(factory, karim, consenting);
        await using var scope = factory.Scope(out var db);
        // As the service wrote it before: the governorate's words after the names.
        await db.Database.ExecuteSqlAsync($"UPDATE participants SET search_text = 'karim ben salah arous' WHERE id = {karim}");
        Assert.Equal(new[] { karim, consenting }.Order(), (await IdsAsync("?q=arous")).Order());

        var changed = await SearchText.HideUnconsentedGovernoratesAsync(db, CancellationToken.None);

        Assert.Equal(1, changed);
        Assert.Equal([consenting], await IdsAsync("?q=arous"));
        Assert.Equal(new[] { karim, consenting }.Order(), (await IdsAsync("?q=ben%20salah")).Order()); // her name's "ben" stays
        Assert.Equal(0, await SearchText.HideUnconsentedGovernoratesAsync(db, CancellationToken.None));
    }
}
