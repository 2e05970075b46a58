using System.Net;
using System.Text.Json;
using Agora.ServiceDefaults;

namespace Agora.Registry.Tests.Mosaic;

/// <summary>Its own database: the mosaic counts every active participant there.</summary>
public sealed class MosaicSubtractionTests(MosaicFactory factory) : IClassFixture<MosaicFactory>
{
    [Fact]
    public async Task A_single_small_cell_beside_empty_ones_is_hidden_with_the_next_smallest()
    {
        var client = factory.CreateClient();
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await Api.RegisterAsync(client, new { kind = "individual", displayName = "P", preferredLanguage = "ar", email = Api.NewEmail() }));
        }
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Api.RegisterAsync(client, new { kind = "organization", displayName = "O", preferredLanguage = "fr", email = Api.NewEmail() }));
        }
        // The only movement, not in the public directory.
        ids.Add(await Api.RegisterAsync(client, new { kind = "movement", displayName = "M", preferredLanguage = "ar", email = Api.NewEmail(), directoryOptIn = false }));
        await Arrange.ActivateAsync(factory, [.. ids]);

        var report = await factory.ClientFor(ids[0], Roles.Participant).GetAsync("/api/registry/mosaic").JsonAsync(HttpStatusCode.OK);

        Assert.Equal(12, report.GetProperty("participants").GetInt32());
        var kind = report.GetProperty("dimensions").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "kind");
        JsonElement Cell(string value) => kind.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("value").GetString() == value);
        Assert.True(Cell("movement").GetProperty("suppressed").GetBoolean());
        // Every participant has a kind, so "undeclared" is known to be 0: had "organization" been shown,
        // 12 − 6 − 5 would give the movement cell back.
        Assert.True(Cell("organization").GetProperty("suppressed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Cell("organization").GetProperty("count").ValueKind);
        Assert.Equal(6, Cell("individual").GetProperty("count").GetInt32());
    }
}
