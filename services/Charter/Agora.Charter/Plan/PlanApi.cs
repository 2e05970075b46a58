using System.Security.Claims;
using Agora.Charter.Charters;
using Agora.Charter.Data;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Plan;

public static class PlanApi
{
    public static IEndpointRouteBuilder MapPlanApi(this IEndpointRouteBuilder endpoints)
    {
        var groups = endpoints.MapGroup("/api/charter/coordination/groups");
        groups.MapPost("/", CreateGroup).RequireAuthorization(Policies.Steering);
        groups.MapGet("/", ListGroups).RequireAuthorization(Policies.Participant);

        endpoints.MapPost("/api/charter/charters/{id:guid}/articles/{lineageId:guid}/actions", CreateAction).RequireAuthorization(Policies.Steering);
        endpoints.MapGet("/api/charter/charters/{id:guid}/accountability", Accountability).RequireAuthorization(Policies.Participant);

        var actions = endpoints.MapGroup("/api/charter/actions");
        actions.MapGet("/{id:guid}", GetAction).RequireAuthorization(Policies.Participant);
        actions.MapPatch("/{id:guid}", UpdateAction).RequireAuthorization(Policies.Participant);
        actions.MapPost("/{id:guid}/milestones", AddMilestone).RequireAuthorization(Policies.Participant);
        actions.MapPost("/{id:guid}/milestones/{milestoneId:guid}/done", CompleteMilestone).RequireAuthorization(Policies.Participant);
        return endpoints;
    }

    public sealed record CreateGroupRequest(string? Name, string? Theme, string? Mandate, IReadOnlyList<Guid>? Members);

    public sealed record GroupView(Guid Id, string Name, string Theme, string Mandate, IReadOnlyList<Guid> Members);

    public sealed record CreateActionRequest(string? Title, Guid? OwnerParticipantId, Guid? OwnerGroupId, DateTimeOffset? Deadline);

    /// <param name="Reopen">Needed to take a done action back to in-progress or blocked, a cancelled one back to planned or
    /// in-progress (both are otherwise final).</param>
    public sealed record UpdateActionRequest(string? Status, int? Progress, Guid? OwnerParticipantId, Guid? OwnerGroupId, DateTimeOffset? Deadline,
        bool? Reopen = null);

    public sealed record MilestoneRequest(string? Title, DateTimeOffset? Due);

    public sealed record MilestoneView(Guid Id, string Title, DateTimeOffset? Due, DateTimeOffset? DoneAt);

    public sealed record ActionView(Guid Id, Guid CharterId, Guid ArticleId, string Title, Guid? OwnerParticipantId, Guid? OwnerGroupId,
        DateTimeOffset? Deadline, string Status, int Progress, IReadOnlyList<MilestoneView> Milestones);

    /// <param name="Actions">Every action of the article, cancelled ones included (all are in <paramref name="Items"/>).</param>
    /// <param name="Cancelled">Actions abandoned: they count in no progress.</param>
    /// <param name="Progress">The average progress of the actions not cancelled (0 when there are none).</param>
    public sealed record ArticleAccountability(Guid ArticleId, int Number, string Theme, int Actions, int Done, double Progress, IReadOnlyList<ActionView> Items,
        int Cancelled);

    public sealed record AccountabilityView(Guid CharterId, int Version, IReadOnlyList<ArticleAccountability> Articles);

    private static GroupView ViewOf(CoordinationGroup g) => new(g.Id, g.Name, g.Theme, g.Mandate, g.Members);

    internal static async Task<Results<Created<GroupView>, ValidationProblem>> CreateGroup(CreateGroupRequest request, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        string Required(string? v, string field, int max, bool multiline = false)
        {
            var t = v?.Trim() ?? "";
            if (t.Length == 0 || t.Length > max)
            {
                errors.Add(field, $"Required, at most {max} characters.");
            }
            else if (FreeText.HasControlCharacters(t, allowLineBreaks: multiline))
            {
                errors.Add(field, multiline ? FreeText.ControlCharactersInTextError : FreeText.ControlCharactersError);
            }
            return t;
        }
        var name = Required(request.Name, "name", 200);
        var theme = Required(request.Theme, "theme", 200);
        var mandate = Required(request.Mandate, "mandate", 2000, multiline: true);
        if (request.Members is null || request.Members.Count == 0)
        {
            errors.Add("members", "A group has at least one member.");
        }
        else if (request.Members.Contains(Guid.Empty))
        {
            errors.Add("members", "A member is a participant id, not the empty id.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var now = time.GetUtcNow();
        var group = new CoordinationGroup { Id = Guid.CreateVersion7(now), Name = name, Theme = theme, Mandate = mandate, Members = [.. request.Members!.Distinct()], CreatedAt = now };
        db.CoordinationGroups.Add(group);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/charter/coordination/groups/{group.Id}", ViewOf(group));
    }

    internal static async Task<Ok<List<GroupView>>> ListGroups(CharterDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.CoordinationGroups.AsNoTracking().OrderBy(g => g.CreatedAt).ToListAsync(ct)).ConvertAll(ViewOf));

    private static async Task<ActionView> ViewAsync(CharterDbContext db, PlanAction a, CancellationToken ct)
    {
        var milestones = await db.Milestones.AsNoTracking().Where(m => m.ActionId == a.Id).OrderBy(m => m.Due).ThenBy(m => m.Id)
            .Select(m => new MilestoneView(m.Id, m.Title, m.Due, m.DoneAt)).ToListAsync(ct);
        return new ActionView(a.Id, a.CharterId, a.ArticleId, a.Title, a.OwnerParticipantId, a.OwnerGroupId, a.Deadline,
            StatusName(a.Status), a.Progress, milestones);
    }

    private static string StatusName(ActionStatus s) => s switch
    {
        ActionStatus.InProgress => "in-progress",
        _ => s.ToString().ToLowerInvariant(),
    };

    private static ActionStatus? ParseStatus(string s) => s switch
    {
        "planned" => ActionStatus.Planned,
        "in-progress" => ActionStatus.InProgress,
        "done" => ActionStatus.Done,
        "blocked" => ActionStatus.Blocked,
        "cancelled" => ActionStatus.Cancelled,
        _ => null,
    };

    private static async Task<FieldErrors> ValidateOwnerAsync(CharterDbContext db, Guid? participant, Guid? group, FieldErrors errors, CancellationToken ct)
    {
        if (participant is not null && group is not null)
        {
            errors.Add("owner", "An action is owned by a participant or a coordination group, not both.");
        }
        if (group is { } g && !await db.CoordinationGroups.AnyAsync(x => x.Id == g, ct))
        {
            errors.Add("ownerGroupId", "Unknown coordination group.");
        }
        return errors;
    }

    internal static async Task<Results<Created<ActionView>, ValidationProblem, ProblemHttpResult>> CreateAction(Guid id, Guid lineageId,
        CreateActionRequest request, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var title = request.Title?.Trim() ?? "";
        if (title.Length is 0 or > 300)
        {
            errors.Add("title", "Required, at most 300 characters.");
        }
        else if (FreeText.HasControlCharacters(title))
        {
            errors.Add("title", FreeText.ControlCharactersError);
        }
        await ValidateOwnerAsync(db, request.OwnerParticipantId, request.OwnerGroupId, errors, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var adopted = await db.CharterVersions.AsNoTracking().Where(v => v.CharterId == id && v.Status == VersionStatus.Adopted).Select(v => v.Id).ToListAsync(ct);
        if (!await db.Articles.AnyAsync(a => a.LineageId == lineageId && adopted.Contains(a.VersionId), ct))
        {
            return Problems.NotFound("adopted article");
        }
        var now = time.GetUtcNow();
        var action = new PlanAction
        {
            Id = Guid.CreateVersion7(now),
            CharterId = id,
            ArticleId = lineageId,
            Title = title,
            OwnerParticipantId = request.OwnerParticipantId,
            OwnerGroupId = request.OwnerGroupId,
            Deadline = request.Deadline,
            Status = ActionStatus.Planned,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Actions.Add(action);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/charter/actions/{action.Id}", await ViewAsync(db, action, ct));
    }

    internal static async Task<Results<Ok<ActionView>, ProblemHttpResult>> GetAction(Guid id, CharterDbContext db, CancellationToken ct)
    {
        var a = await db.Actions.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        return a is null ? Problems.NotFound("action") : TypedResults.Ok(await ViewAsync(db, a, ct));
    }

    /// <summary>Steering, the owning participant, or a member of the owning group may update an action.</summary>
    private static async Task<bool> MayUpdateAsync(CharterDbContext db, ClaimsPrincipal user, PlanAction a, CancellationToken ct)
    {
        if (user.IsSteering())
        {
            return true;
        }
        var me = user.ParticipantId();
        if (me is null)
        {
            return false;
        }
        if (a.OwnerParticipantId == me)
        {
            return true;
        }
        return a.OwnerGroupId is { } g && await db.CoordinationGroups.AnyAsync(x => x.Id == g && x.Members.Contains(me.Value), ct);
    }

    internal static async Task<Results<Ok<ActionView>, ValidationProblem, ProblemHttpResult>> UpdateAction(Guid id, UpdateActionRequest request,
        ClaimsPrincipal user, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        // The row stays locked until the update commits: two updates at once are checked against the lifecycle one after
        // the other, so two moves each allowed alone (in progress to blocked, and to done) cannot both land.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var a = await db.Actions.FromSql($"SELECT * FROM actions WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (a is null)
        {
            return Problems.NotFound("action");
        }
        if (!await MayUpdateAsync(db, user, a, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only steering or the action's owners can update it.");
        }
        var errors = new FieldErrors();
        ActionStatus? status = null;
        if (request.Status is not null && (status = ParseStatus(request.Status)) is null)
        {
            errors.Add("status", "One of planned, in-progress, done, blocked, cancelled.");
        }
        if (request.Progress is < 0 or > 100)
        {
            errors.Add("progress", "A percentage from 0 to 100.");
        }
        else if (request.Progress is < 100 && (status ?? a.Status) == ActionStatus.Done)
        {
            // A done action is at 100: a lower progress is refused, not silently replaced; set another status with it instead.
            errors.Add("progress", "A done action is at 100; set another status to report less.");
        }
        var ownerChange = request.OwnerParticipantId is not null || request.OwnerGroupId is not null;
        if (ownerChange && !user.IsSteering())
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only steering can reassign an action.");
        }
        await ValidateOwnerAsync(db, request.OwnerParticipantId, request.OwnerGroupId, errors, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (status is { } s && !ActionLifecycle.Allows(a.Status, s, request.Reopen ?? false))
        {
            return TransitionRefused(a.Status, s);
        }
        if (status is { } next)
        {
            a.Status = next;
        }
        if (request.Progress is { } p)
        {
            a.Progress = p;
        }
        if (a.Status == ActionStatus.Done)
        {
            a.Progress = 100;
        }
        if (ownerChange)
        {
            a.OwnerParticipantId = request.OwnerParticipantId;
            a.OwnerGroupId = request.OwnerGroupId;
        }
        if (request.Deadline is { } d && d != a.Deadline)
        {
            a.Deadline = d;
            a.DeadlineNotifiedAt = null;
        }
        a.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, a, ct));
    }

    /// <summary>
    /// 409 <c>action-status-transition</c>, naming the statuses allowed next (also as <c>allowed</c>), and for a final one
    /// (done, cancelled) those a reopening allows (<c>allowedOnReopen</c>).
    /// </summary>
    private static ProblemHttpResult TransitionRefused(ActionStatus from, ActionStatus to)
    {
        var allowed = ActionLifecycle.Next(from).Select(StatusName).ToArray();
        var final = ActionLifecycle.IsFinal(from);
        var detail = final
            ? $"A {StatusName(from)} action is final; send reopen: true with {string.Join(" or ", ActionLifecycle.Next(from, reopen: true).Select(StatusName))} to reopen it."
            : $"From {StatusName(from)} an action goes to {string.Join(" or ", allowed)}.";
        return TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict,
            title: $"An action cannot go from {StatusName(from)} to {StatusName(to)}.", type: ProblemDetailsSetup.TypeBase + "action-status-transition",
            extensions: final
                ? new Dictionary<string, object?> { ["from"] = StatusName(from), ["allowed"] = allowed,
                    ["allowedOnReopen"] = ActionLifecycle.Next(from, reopen: true).Select(StatusName).ToArray() }
                : new Dictionary<string, object?> { ["from"] = StatusName(from), ["allowed"] = allowed });
    }

    internal static async Task<Results<Ok<ActionView>, ValidationProblem, ProblemHttpResult>> AddMilestone(Guid id, MilestoneRequest request,
        ClaimsPrincipal user, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        var title = request.Title?.Trim() ?? "";
        if (title.Length is 0 or > 300)
        {
            return new FieldErrors().Add("title", "Required, at most 300 characters.").ToProblem();
        }
        if (FreeText.HasControlCharacters(title))
        {
            return new FieldErrors().Add("title", FreeText.ControlCharactersError).ToProblem();
        }
        var a = await db.Actions.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (a is null)
        {
            return Problems.NotFound("action");
        }
        if (!await MayUpdateAsync(db, user, a, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only steering or the action's owners can update it.");
        }
        db.Milestones.Add(new Milestone { Id = Guid.CreateVersion7(time.GetUtcNow()), ActionId = id, Title = title, Due = request.Due });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, a, ct));
    }

    internal static async Task<Results<Ok<ActionView>, ProblemHttpResult>> CompleteMilestone(Guid id, Guid milestoneId, ClaimsPrincipal user,
        CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        var a = await db.Actions.FirstOrDefaultAsync(a => a.Id == id, ct);
        var m = await db.Milestones.FirstOrDefaultAsync(m => m.Id == milestoneId && m.ActionId == id, ct);
        if (a is null || m is null)
        {
            return Problems.NotFound("milestone");
        }
        if (!await MayUpdateAsync(db, user, a, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only steering or the action's owners can update it.");
        }
        m.DoneAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, a, ct));
    }

    /// <summary>
    /// Article by article of the adopted (else current) version: its actions and how far they have come. Cancelled actions
    /// are listed and counted apart; the progress is the average of the others, so an abandoned action neither drags the
    /// article down nor counts as done.
    /// </summary>
    internal static async Task<Results<Ok<AccountabilityView>, ProblemHttpResult>> Accountability(Guid id, CharterDbContext db, CancellationToken ct)
    {
        var charter = await db.Charters.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (charter is null)
        {
            return Problems.NotFound("charter");
        }
        var version = await db.CharterVersions.AsNoTracking().Where(v => v.CharterId == id)
            .OrderByDescending(v => v.Status == VersionStatus.Adopted).ThenByDescending(v => v.Number).FirstAsync(ct);
        var articles = await db.Articles.AsNoTracking().Where(a => a.VersionId == version.Id).OrderBy(a => a.Number).ToListAsync(ct);
        var actions = await db.Actions.AsNoTracking().Where(a => a.CharterId == id).OrderBy(a => a.CreatedAt).ToListAsync(ct);
        var result = new List<ArticleAccountability>();
        foreach (var article in articles)
        {
            var items = new List<ActionView>();
            foreach (var a in actions.Where(a => a.ArticleId == article.LineageId))
            {
                items.Add(await ViewAsync(db, a, ct));
            }
            var cancelled = StatusName(ActionStatus.Cancelled);
            var carried = items.Where(i => i.Status != cancelled).ToList();
            result.Add(new ArticleAccountability(article.LineageId, article.Number, article.Theme, items.Count,
                items.Count(i => i.Status == "done"), carried.Count == 0 ? 0 : carried.Average(i => i.Progress), items,
                items.Count - carried.Count));
        }
        return TypedResults.Ok(new AccountabilityView(id, version.Number, result));
    }
}
