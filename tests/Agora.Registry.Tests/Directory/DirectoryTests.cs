using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.ServiceDefaults;

namespace Agora.Registry.Tests.Directory;

public sealed class DirectoryFixture : RegistryFactory
{
    public Guid Ugtt { get; private set; }
    public Guid Atfd { get; private set; }
    public Guid Hirak { get; private set; }
    public Guid PendingOrg { get; private set; }
    public Guid ListedIndividual { get; private set; }
    public Guid HiddenIndividual { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var client = CreateClient();
        Ugtt = await Api.RegisterAsync(client, new
        {
            kind = "organization", category = "union", names = new { ar = "الاتحاد العام التونسي للشغل", fr = "Union générale tunisienne du travail" },
            preferredLanguage = "ar", governorate = "tunis", themes = new[] { "labour" }, email = Api.NewEmail(),
        });
        Atfd = await Api.RegisterAsync(client, new
        {
            kind = "organization", category = "association", names = new { fr = "Association tunisienne des femmes démocrates", ar = "الجمعيّة التونسيّة للنساء الديمقراطيات" },
            preferredLanguage = "fr", governorate = "tunis", themes = new[] { "gender-equality", "individual-freedoms" }, email = Api.NewEmail(),
        });
        Hirak = await Api.RegisterAsync(client, new
        {
            kind = "movement", category = "social", names = new { ar = "حراك الحوض المنجمي", fr = "Mouvement du bassin minier" },
            preferredLanguage = "ar", governorate = "gafsa", themes = new[] { "labour", "environment" }, email = Api.NewEmail(),
        });
        PendingOrg = await Api.RegisterAsync(client, new { kind = "organization", names = new { fr = "Collectif du travail en attente" }, preferredLanguage = "fr", governorate = "tunis", themes = new[] { "labour" }, email = Api.NewEmail() });
        ListedIndividual = await Api.RegisterAsync(client, new { kind = "individual", names = new { fr = "Lina Travail" }, preferredLanguage = "fr", directoryOptIn = true, themes = new[] { "labour" }, email = Api.NewEmail() });
        HiddenIndividual = await Api.RegisterAsync(client, new { kind = "individual", names = new { fr = "Nadia Travail" }, preferredLanguage = "fr", themes = new[] { "labour" }, email = Api.NewEmail() });
        await Arrange.ActivateAsync(this, Ugtt, Atfd, Hirak, ListedIndividual, HiddenIndividual);
    }
}

public sealed class DirectoryTests(DirectoryFixture fixture) : IClassFixture<DirectoryFixture>
{
    private readonly HttpClient client = fixture.CreateClient();

    private async Task<List<Guid>> IdsAsync(string query)
    {
        var page = await client.GetAsync("/api/registry/directory" + query).JsonAsync(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
    }

    [Fact]
    public async Task Only_approved_organizations_and_movements_and_opted_in_individuals_are_listed_without_contact_details()
    {
        var page = await client.GetAsync("/api/registry/directory?limit=100").JsonAsync(HttpStatusCode.OK);
        var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

        Assert.Equal(new[] { fixture.Ugtt, fixture.Atfd, fixture.Hirak, fixture.ListedIndividual }.Order(), ids.Order());
        Assert.DoesNotContain("email", page.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("phone", page.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("?q=الشغل", "ugtt")]                       // Arabic word
    [InlineData("?q=للنساء", "atfd")]                      // matches despite the shadda and the kasra in the stored name
    [InlineData("?q=الجمعية", "atfd")]                     // the stored name has a shadda: normalized away
    [InlineData("?q=femmes%20democrates", "atfd")]        // French without accents finds "démocrates"
    [InlineData("?q=G%C3%89N%C3%89RALE", "ugtt")]          // upper case with accents
    [InlineData("?q=minier", "hirak")]
    [InlineData("?q=حراك", "hirak")]
    [InlineData("?q=trav", "ugtt,lina")]                   // prefix: "travail", "Travail"; Nadia did not opt in, the pending one is not approved
    public async Task Full_text_search_works_for_arabic_and_french(string query, string expected)
    {
        var names = new Dictionary<string, Guid> { ["ugtt"] = fixture.Ugtt, ["atfd"] = fixture.Atfd, ["hirak"] = fixture.Hirak, ["lina"] = fixture.ListedIndividual };

        var ids = await IdsAsync(query);

        Assert.Equal(expected.Split(',').Select(n => names[n]).Order(), ids.Order());
    }

    [Fact]
    public async Task Filters_by_theme_governorate_and_kind_combine()
    {
        Assert.Equal(new[] { fixture.Ugtt, fixture.Hirak, fixture.ListedIndividual }.Order(), (await IdsAsync("?theme=labour")).Order());
        Assert.Equal([fixture.Hirak], await IdsAsync("?theme=labour&governorate=gafsa"));
        Assert.Equal([fixture.Hirak], await IdsAsync("?kind=movement"));
        Assert.Equal([fixture.Atfd], await IdsAsync("?kind=organization&theme=gender-equality&q=tunisienne"));
        var bad = await client.GetAsync("/api/registry/directory?kind=party&governorate=paris&limit=1000").JsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["governorate", "kind", "limit"], bad.ErrorFields());
    }

    [Fact]
    public async Task Keyset_pages_walk_everything_once()
    {
        var seen = new List<Guid>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await client.GetAsync($"/api/registry/directory?limit=1{(next is null ? "" : "&after=" + next)}").JsonAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
            pages++;
        }
        while (next is not null && pages < 10);

        Assert.Equal(4, seen.Count);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/registry/directory?after=not-a-cursor")).StatusCode);
    }

    [Fact]
    public async Task An_erased_organization_leaves_the_directory()
    {
        var gone = await Api.RegisterAsync(client, new { kind = "organization", names = new { fr = "Éphémère collectif" }, preferredLanguage = "fr", email = Api.NewEmail() });
        await Arrange.ActivateAsync(fixture, gone);
        Assert.Equal([gone], await IdsAsync("?q=ephemere"));

        await fixture.ClientFor(Guid.NewGuid(), Roles.Steering).DeleteAsync($"/api/registry/participants/{gone}");

        Assert.Empty(await IdsAsync("?q=ephemere"));
    }
}
