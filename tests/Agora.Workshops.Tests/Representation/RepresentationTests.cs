using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Workshops.Profiles;
using Agora.Workshops.Representation;

namespace Agora.Workshops.Tests.Representation;

public sealed class RepresentationTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task Registrants_and_attendees_are_counted_by_constituency_with_no_cell_under_five()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 30);
        var governorates = Enumerable.Repeat("tunis", 7).Concat(Enumerable.Repeat("sfax", 6)).Concat(Enumerable.Repeat("tozeur", 2)).ToList();
        var people = governorates.Select(_ => Guid.NewGuid()).ToList();
        await using (factory.Scope(out var db))
        {
            for (var i = 0; i < people.Count; i++)
            {
                db.Profiles.Add(new ParticipantProfile
                {
                    ParticipantId = people[i], Kind = "individual", Governorate = governorates[i], AgeBand = i < 10 ? "18-24" : null, ChangedAt = DateTimeOffset.UtcNow,
                });
            }
            await db.SaveChangesAsync();
        }
        var codes = new List<string>();
        foreach (var p in people)
        {
            codes.Add((await arrange.RegisterAsync(session, p)).GetProperty("checkInCode").GetString()!);
        }
        await arrange.DoorsOpenAsync(session);
        foreach (var code in codes.Take(3))
        {
            Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/check-ins", new { code })).StatusCode);
        }
        var workshop = (await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/workshops/sessions/{session}")).GetProperty("workshopId").GetGuid();

        var view = await arrange.Facilitator.GetFromJsonAsync<JsonElement>($"/api/workshops/workshops/{workshop}/representation");

        var registrants = view.GetProperty("registrants");
        Assert.Equal(15, registrants.GetProperty("total").GetInt32());
        var byGovernorate = Cells(registrants, "governorate");
        // tozeur (2) is under five; sfax, the next smallest, is hidden with it so tozeur cannot be worked out from the total.
        Assert.Equal(new Dictionary<string, int?> { ["tunis"] = 7, ["suppressed"] = null }, byGovernorate);
        Assert.Equal(new Dictionary<string, int?> { ["18-24"] = 10, ["undeclared"] = 5 }, Cells(registrants, "ageBand"));
        Assert.Equal(new Dictionary<string, int?> { ["individual"] = 15 }, Cells(registrants, "kind"));
        Assert.DoesNotContain("tozeur", view.ToString(), StringComparison.Ordinal);
        // Three attendees: too few to show anything.
        var attendees = view.GetProperty("attendees");
        Assert.Equal(JsonValueKind.Null, attendees.GetProperty("total").ValueKind);
        Assert.All(attendees.GetProperty("dimensions").EnumerateObject(), d => Assert.Empty(d.Value.EnumerateArray()));
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(Guid.NewGuid(), Agora.ServiceDefaults.Roles.Facilitator)
            .GetAsync($"/api/workshops/workshops/{workshop}/representation")).StatusCode);
    }

    [Fact]
    public void Suppression_hides_every_small_cell_and_never_leaves_one_alone()
    {
        var cells = RepresentationApi.Suppress(new Dictionary<string, int> { ["a"] = 1, ["b"] = 3, ["c"] = 9 });
        Assert.Equal([("c", (int?)9), ("suppressed", null)], cells.Select(c => (c.Value, c.Count)));
        var none = RepresentationApi.Suppress(new Dictionary<string, int> { ["a"] = 5, ["b"] = 12 });
        Assert.Equal([("a", (int?)5), ("b", 12)], none.Select(c => (c.Value, c.Count)));
        Assert.Null(RepresentationApi.Break([null, null, null, null]).Total);
    }

    private static Dictionary<string, int?> Cells(JsonElement breakdown, string dimension) =>
        breakdown.GetProperty("dimensions").GetProperty(dimension).EnumerateArray().ToDictionary(
            c => c.GetProperty("value").GetString()!,
            c => c.GetProperty("count").ValueKind == JsonValueKind.Null ? (int?)null : c.GetProperty("count").GetInt32());
}
