using System.Net;
using System.Net.Http.Json;
using Agora.Charter.Charters;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Charters;

/// <summary>The action plan's input rules: coordination groups' members, an action's status and progress.</summary>
public sealed class PlanTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private static async Task RefusedAsync(HttpResponseMessage response, string field)
    {
        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task A_coordination_group_with_an_empty_member_id_is_a_400_naming_members_and_nothing_is_written()
    {
        var name = $"Coordination {Guid.NewGuid():N}";

        await RefusedAsync(await steering.PostAsJsonAsync("/api/charter/coordination/groups",
            new { name, theme = "eau", mandate = "Suivre le droit à l'eau", members = new[] { Guid.NewGuid(), Guid.Empty } }), "members");

        await using var scope = factory.Scope(out var db);
        Assert.False(await db.CoordinationGroups.AnyAsync(g => g.Name == name));
    }

    [Fact]
    public async Task A_done_action_is_at_100_and_a_lower_progress_for_it_is_a_400_not_silently_replaced()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Adopted);
        var created = await (await steering.PostAsJsonAsync($"/api/charter/charters/{charter}/articles/{articles[0].LineageId}/actions",
            new { title = "Cartographier les coupures d'eau" })).ReadAsync(HttpStatusCode.Created);
        var url = $"/api/charter/actions/{created.GetProperty("id").GetGuid()}";
        await (await steering.PatchAsJsonAsync(url, new { status = "in-progress", progress = 60 })).ReadAsync(HttpStatusCode.OK);

        // Done with less than 100 in the same request, or a lower progress sent alone for a done action: refused, nothing changes.
        await RefusedAsync(await steering.PatchAsJsonAsync(url, new { status = "done", progress = 60 }), "progress");
        var unchanged = await (await steering.GetAsync(url)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(("in-progress", 60), (unchanged.GetProperty("status").GetString(), unchanged.GetProperty("progress").GetInt32()));
        var done = await (await steering.PatchAsJsonAsync(url, new { status = "done" })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(("done", 100), (done.GetProperty("status").GetString(), done.GetProperty("progress").GetInt32()));
        await RefusedAsync(await steering.PatchAsJsonAsync(url, new { progress = 40 }), "progress");
        await (await steering.PatchAsJsonAsync(url, new { progress = 100 })).ReadAsync(HttpStatusCode.OK);

        // Reopened with the progress it really has.
        var reopened = await (await steering.PatchAsJsonAsync(url, new { status = "blocked", progress = 40 })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(("blocked", 40), (reopened.GetProperty("status").GetString(), reopened.GetProperty("progress").GetInt32()));
    }
}
