using System.Net;
using System.Text.Json;
using Agora.ServiceDefaults;

namespace Agora.Registry.Tests.Mosaic;

public sealed class MosaicFactory : RegistryFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("Registry:Mosaic:Targets:gender:female", "0.5"),
        new("Registry:Mosaic:Targets:kind:individual", "0.6"),
    ];
}

public sealed class MosaicTests(MosaicFactory factory) : IClassFixture<MosaicFactory>
{
    [Fact]
    public async Task Counts_and_shares_against_targets_with_small_cells_suppressed()
    {
        var client = factory.CreateClient();
        var ids = new List<Guid>();
        async Task Individual(string gender, string age, string occupation, bool consent, string governorate = "sfax") =>
            ids.Add(await Api.RegisterAsync(client, new
            {
                kind = "individual", displayName = "P", preferredLanguage = "ar", email = Api.NewEmail(), governorate, themes = new[] { "labour" },
                demographics = consent ? new { gender, ageBand = age, occupation } : null, demographicsConsent = consent ? true : (bool?)null,
            }));
        for (var i = 0; i < 6; i++)
        {
            await Individual("female", "25-34", "worker", consent: true);
        }
        for (var i = 0; i < 5; i++)
        {
            await Individual("male", "25-34", "student", consent: true);
        }
        await Individual("other", "65+", "lawyer", consent: true, governorate: "tozeur"); // a single person: must not be visible
        await Individual("female", "25-34", "worker", consent: false);                    // no consent: counted as undeclared
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Api.RegisterAsync(client, new { kind = "organization", displayName = "O", preferredLanguage = "fr", email = Api.NewEmail(), governorate = "sfax" }));
        }
        var pending = await Api.RegisterAsync(client, "movement"); // not active: not counted
        await Arrange.ActivateAsync(factory, [.. ids]);

        var report = await factory.ClientFor(ids[0], Roles.Participant).GetAsync("/api/registry/mosaic").JsonAsync(HttpStatusCode.OK);

        Assert.Equal(18, report.GetProperty("participants").GetInt32());
        var gender = Dimension(report, "gender");
        Assert.Equal(13, gender.GetProperty("total").GetInt32());
        var female = Cell(gender, "female");
        Assert.Equal((6, 0.4615, 0.5), (female.GetProperty("count").GetInt32(), female.GetProperty("share").GetDouble(), female.GetProperty("target").GetDouble()));
        Assert.Equal(-0.0385, female.GetProperty("gap").GetDouble(), 4);
        Assert.Equal(5, Cell(gender, "male").GetProperty("count").GetInt32());
        Assert.True(Cell(gender, "other").GetProperty("suppressed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Cell(gender, "other").GetProperty("count").ValueKind);
        // "undeclared" (1) and "other" (1) are both hidden, so neither can be recovered by subtraction.
        Assert.True(Cell(gender, "undeclared").GetProperty("suppressed").GetBoolean());
        var occupation = Dimension(report, "occupation");
        Assert.True(Cell(occupation, "lawyer").GetProperty("suppressed").GetBoolean());
        var governorate = Dimension(report, "governorate");
        Assert.True(Cell(governorate, "tozeur").GetProperty("suppressed").GetBoolean());
        Assert.Equal(16, Cell(governorate, "sfax").GetProperty("count").GetInt32()); // 11 + 5 organizations; the unconsenting one is undeclared
        var kind = Dimension(report, "kind");
        Assert.Equal(13, Cell(kind, "individual").GetProperty("count").GetInt32());
        Assert.Equal(5, Cell(kind, "organization").GetProperty("count").GetInt32());
        Assert.Equal(13, Cell(Dimension(report, "theme"), "labour").GetProperty("count").GetInt32());
        foreach (var dimension in report.GetProperty("dimensions").EnumerateArray())
        {
            foreach (var cell in dimension.GetProperty("cells").EnumerateArray())
            {
                Assert.True(cell.GetProperty("count").ValueKind == JsonValueKind.Null || cell.GetProperty("count").GetInt32() >= 5,
                    $"{dimension.GetProperty("name")}/{cell.GetProperty("value")} shows a small cell");
            }
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/registry/mosaic")).StatusCode);
        Assert.NotEqual(Guid.Empty, pending);
    }

    private static JsonElement Dimension(JsonElement report, string name) =>
        report.GetProperty("dimensions").EnumerateArray().Single(d => d.GetProperty("name").GetString() == name);

    private static JsonElement Cell(JsonElement dimension, string value) =>
        dimension.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("value").GetString() == value);
}
