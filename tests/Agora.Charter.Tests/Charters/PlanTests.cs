using System.Net;
using System.Net.Http.Json;
using Agora.Charter.Charters;
using Agora.Charter.Plan;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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

    private async Task<string> ActionAsync()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Adopted);
        var created = await (await steering.PostAsJsonAsync($"/api/charter/charters/{charter}/articles/{articles[0].LineageId}/actions",
            new { title = "Cartographier les coupures d'eau" })).ReadAsync(HttpStatusCode.Created);
        Assert.Equal("planned", created.GetProperty("status").GetString());
        return $"/api/charter/actions/{created.GetProperty("id").GetGuid()}";
    }

    private async Task<(string Status, int Progress)> StateAsync(string url)
    {
        var action = await (await steering.GetAsync(url)).ReadAsync(HttpStatusCode.OK);
        return (action.GetProperty("status").GetString()!, action.GetProperty("progress").GetInt32());
    }

    private async Task MovesAsync(string url, string status, object? body = null)
    {
        var moved = await (await steering.PatchAsJsonAsync(url, body ?? new { status })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(status, moved.GetProperty("status").GetString());
    }

    /// <summary>A refused transition is a 409 naming the statuses allowed next; nothing changes.</summary>
    private async Task<System.Text.Json.JsonElement> RefusedTransitionAsync(string url, string status, string[] allowed, object? body = null)
    {
        var before = await StateAsync(url);
        var problem = await (await steering.PatchAsJsonAsync(url, body ?? new { status })).ProblemAsync(HttpStatusCode.Conflict, "action-status-transition");
        Assert.Equal(before.Status, problem.GetProperty("from").GetString());
        Assert.Equal(allowed, problem.GetProperty("allowed").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(before, await StateAsync(url));
        return problem;
    }

    [Fact]
    public async Task An_action_follows_planned_in_progress_done_with_blocked_on_the_way_and_other_moves_are_a_409_naming_the_allowed_ones()
    {
        var url = await ActionAsync();
        await RefusedTransitionAsync(url, "done", ["in-progress", "blocked", "cancelled"]); // not started yet
        await MovesAsync(url, "blocked");
        await RefusedTransitionAsync(url, "done", ["in-progress", "planned", "cancelled"]);
        await MovesAsync(url, "planned"); // unblocked before any work
        await MovesAsync(url, "in-progress", new { status = "in-progress", progress = 30 });
        await MovesAsync(url, "in-progress", new { status = "in-progress", progress = 50 }); // same status: a progress report
        await RefusedTransitionAsync(url, "planned", ["done", "blocked", "cancelled"]);
        await MovesAsync(url, "blocked");
        await MovesAsync(url, "in-progress"); // unblocked
        await MovesAsync(url, "done");
        Assert.Equal(("done", 100), await StateAsync(url));

        // Done is final unless reopened explicitly.
        var problem = await RefusedTransitionAsync(url, "in-progress", [], new { status = "in-progress", progress = 70 });
        Assert.Equal(["in-progress", "blocked"], problem.GetProperty("allowedOnReopen").EnumerateArray().Select(e => e.GetString()!).ToArray());
        await RefusedTransitionAsync(url, "blocked", [], new { status = "blocked", progress = 70 });
        await RefusedTransitionAsync(url, "planned", [], new { status = "planned", progress = 0, reopen = true });
        await MovesAsync(url, "done"); // staying done is fine
        await MovesAsync(url, "in-progress", new { status = "in-progress", progress = 80, reopen = true });
        Assert.Equal(("in-progress", 80), await StateAsync(url));

        // The owners are held to the same lifecycle as steering.
        var owner = Guid.NewGuid();
        await (await steering.PatchAsJsonAsync(url, new { ownerParticipantId = owner })).ReadAsync(HttpStatusCode.OK);
        await (await factory.ClientFor(owner, Roles.Participant).PatchAsJsonAsync(url, new { status = "planned" }))
            .ProblemAsync(HttpStatusCode.Conflict, "action-status-transition");
        Assert.Equal(("in-progress", 80), await StateAsync(url));
    }

    [Fact]
    public async Task An_update_waits_for_one_in_flight_and_is_checked_against_the_status_it_left()
    {
        var url = await ActionAsync();
        await MovesAsync(url, "in-progress");
        var id = Guid.Parse(url[(url.LastIndexOf('/') + 1)..]);

        // Another update has moved the action to blocked and not committed yet; done is asked for meanwhile.
        await using var holdScope = factory.Scope(out var hold);
        await using var held = await hold.Database.BeginTransactionAsync();
        await hold.Actions.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, ActionStatus.Blocked));
        var done = steering.PatchAsJsonAsync(url, new { status = "done" });
        await factory.WaitingOnLocksAsync(1);
        await held.CommitAsync();

        // Blocked to done is not a move the lifecycle allows: without the row lock, done overwrote blocked.
        var problem = await (await done.WaitAsync(TimeSpan.FromSeconds(30))).ProblemAsync(HttpStatusCode.Conflict, "action-status-transition");
        Assert.Equal("blocked", problem.GetProperty("from").GetString());
        Assert.Equal("blocked", (await StateAsync(url)).Status);
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

        // Reopened (explicitly: done is final otherwise) with the progress it really has.
        var reopened = await (await steering.PatchAsJsonAsync(url, new { status = "blocked", progress = 40, reopen = true })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(("blocked", 40), (reopened.GetProperty("status").GetString(), reopened.GetProperty("progress").GetInt32()));
    }
    [Fact]
    public async Task An_action_is_cancelled_from_planned_in_progress_or_blocked_and_only_a_reopening_takes_it_back()
    {
        foreach (var from in new[] { "planned", "in-progress", "blocked" })
        {
            var url = await ActionAsync();
            if (from != "planned")
            {
                await MovesAsync(url, from, new { status = from, progress = 30 });
            }
            await MovesAsync(url, "cancelled");
            Assert.Equal(("cancelled", from == "planned" ? 0 : 30), await StateAsync(url)); // its progress is kept as it was
        }

        var cancelled = await ActionAsync();
        await MovesAsync(cancelled, "cancelled");
        await MovesAsync(cancelled, "cancelled"); // staying cancelled is fine
        // Final as done is: every move is a 409 naming what a reopening allows.
        foreach (var to in new[] { "planned", "in-progress", "blocked", "done" })
        {
            var problem = await RefusedTransitionAsync(cancelled, to, []);
            Assert.Equal(["planned", "in-progress"], problem.GetProperty("allowedOnReopen").EnumerateArray().Select(e => e.GetString()!).ToArray());
        }
        await RefusedTransitionAsync(cancelled, "done", [], new { status = "done", reopen = true });
        await RefusedTransitionAsync(cancelled, "blocked", [], new { status = "blocked", reopen = true });
        await MovesAsync(cancelled, "in-progress", new { status = "in-progress", progress = 10, reopen = true });
        await MovesAsync(cancelled, "cancelled");
        await MovesAsync(cancelled, "planned", new { status = "planned", reopen = true });

        // A done action is not cancelled: it was carried out.
        var done = await ActionAsync();
        await MovesAsync(done, "in-progress");
        await MovesAsync(done, "done");
        await RefusedTransitionAsync(done, "cancelled", []);
        await RefusedTransitionAsync(done, "cancelled", [], new { status = "cancelled", reopen = true });
    }

    [Fact]
    public async Task A_cancelled_action_is_listed_in_the_accountability_view_counted_apart_and_out_of_the_progress_and_never_reminded()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Adopted);
        var deadline = DateTimeOffset.UtcNow.AddDays(1); // within the 3 days' warning
        async Task<string> Create(string title)
        {
            var created = await (await steering.PostAsJsonAsync($"/api/charter/charters/{charter}/articles/{articles[0].LineageId}/actions",
                new { title, ownerParticipantId = Guid.NewGuid(), deadline })).ReadAsync(HttpStatusCode.Created);
            return $"/api/charter/actions/{created.GetProperty("id").GetGuid()}";
        }
        var carried = await Create("Cartographier les coupures d'eau");
        var abandoned = await Create("Pétition au ministère");
        await MovesAsync(carried, "in-progress", new { status = "in-progress", progress = 60 });
        await MovesAsync(abandoned, "in-progress", new { status = "in-progress", progress = 10 });
        await MovesAsync(abandoned, "cancelled");

        var article = (await (await steering.GetAsync($"/api/charter/charters/{charter}/accountability")).ReadAsync(HttpStatusCode.OK))
            .GetProperty("articles")[0];
        Assert.Equal(2, article.GetProperty("actions").GetInt32());
        Assert.Equal(1, article.GetProperty("cancelled").GetInt32());
        Assert.Equal(0, article.GetProperty("done").GetInt32());
        Assert.Equal(60.0, article.GetProperty("progress").GetDouble()); // the cancelled one's 10 is not averaged in
        Assert.Equal(["in-progress", "cancelled"], article.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()!).ToArray());

        // The deadline check reminds the owner of the action carried on, not of the one cancelled.
        var watcher = factory.Services.GetRequiredService<DeadlineWatcher>();
        await watcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, await factory.OutboxCountAsync("ActionDeadlineApproaching", carried[(carried.LastIndexOf('/') + 1)..]));
        Assert.Equal(0, await factory.OutboxCountAsync("ActionDeadlineApproaching", abandoned[(abandoned.LastIndexOf('/') + 1)..]));
        await using var scope = factory.Scope(out var db);
        var abandonedId = Guid.Parse(abandoned[(abandoned.LastIndexOf('/') + 1)..]);
        Assert.Null(await db.Actions.Where(a => a.Id == abandonedId).Select(a => a.DeadlineNotifiedAt).SingleAsync());
    }
}
