using System.Security.Claims;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Programme;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.OpenSpace;

public sealed record PostInput(string? Body, Guid? ParentId, string? Language);

public sealed record ModerationInput(string? Reason);

/// <param name="Body">Null for a hidden post, except to its moderators; empty once its author was erased.</param>
public sealed record PostView(Guid Id, Guid? ParentId, Guid? AuthorId, string? Language, string? Body, bool Hidden, bool Erased, int ReportCount, DateTimeOffset CreatedAt);

public sealed record PostEventView(string Action, Guid? ActorId, string? Reason, DateTimeOffset At);

/// <summary>
/// A discussion thread per workshop, visible to its registrants (and its facilitators, rapporteurs,
/// steering). Anyone signed in can report a post; facilitators hide or restore it; nothing is
/// deleted, and every report, hiding and restoring stays in the post's history.
/// </summary>
public static class OpenSpaceApi
{
    public static RouteGroupBuilder MapOpenSpaceApi(this RouteGroupBuilder api)
    {
        api.MapGet("/workshops/{id:guid}/posts", ListAsync).RequireAuthorization(Policies.Participant);
        api.MapPost("/workshops/{id:guid}/posts", PostAsync).RequireAuthorization(Policies.Participant);
        api.MapPost("/posts/{id:guid}/report", ReportAsync).RequireAuthorization(Policies.Participant);
        api.MapPost("/posts/{id:guid}/hide", (Guid id, ModerationInput input, ClaimsPrincipal user, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
            => ModerateAsync(id, hide: true, input, user, db, time, ct)).RequireAuthorization(Policies.FacilitatorOrSteering);
        api.MapPost("/posts/{id:guid}/restore", (Guid id, ModerationInput input, ClaimsPrincipal user, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
            => ModerateAsync(id, hide: false, input, user, db, time, ct)).RequireAuthorization(Policies.FacilitatorOrSteering);
        api.MapGet("/posts/{id:guid}/history", HistoryAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        return api;
    }

    internal static async Task<Results<Ok<List<PostView>>, ProblemHttpResult>> ListAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var workshop = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workshop is null || !await Access.IsMemberAsync(db, workshop, user, ct))
        {
            return Problems.NotFound("workshop");
        }
        var moderator = workshop.IsManagedBy(user);
        var posts = await db.Posts.AsNoTracking().Where(p => p.WorkshopId == id).OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(ct);
        return TypedResults.Ok(posts.Select(p => View(p, moderator)).ToList());
    }

    internal static async Task<Results<Created<PostView>, ValidationProblem, ProblemHttpResult>> PostAsync(Guid id, PostInput input, ClaimsPrincipal user,
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var workshop = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workshop is null || !await Access.IsMemberAsync(db, workshop, user, ct))
        {
            return Problems.NotFound("workshop");
        }
        var errors = new FieldErrors();
        var body = input.Body?.Trim();
        if (FreeText.IsBlank(body))
        {
            errors.Add("body", "is required.");
        }
        else if (body.Length > Post.MaxLength)
        {
            errors.Add("body", $"must be at most {Post.MaxLength} characters.");
        }
        else if (FreeText.HasControlCharacters(body, allowLineBreaks: true))
        {
            errors.Add("body", FreeText.ControlCharactersInTextError);
        }
        if (input.Language is not null && !Languages.IsKnown(input.Language))
        {
            errors.Add("language", "must be ar, fr or en.");
        }
        var parentHidden = false;
        if (input.ParentId is Guid parent)
        {
            var found = await db.Posts.Where(p => p.Id == parent && p.WorkshopId == id).Select(p => (bool?)p.Hidden).FirstOrDefaultAsync(ct);
            if (found is null)
            {
                errors.Add("parentId", "is not a post of this workshop.");
            }
            parentHidden = found is true;
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (parentHidden)
        {
            // A facilitator hid it for a reason: no new replies until it is restored.
            return Problems.Conflict("post-hidden", "This post is hidden; it cannot be replied to.");
        }
        var now = time.GetUtcNow();
        var post = new Post
        {
            Id = Guid.CreateVersion7(now),
            WorkshopId = id,
            ParentId = input.ParentId,
            AuthorId = user.ParticipantId(),
            Language = input.Language,
            Body = body!,
            CreatedAt = now,
        };
        db.Posts.Add(post);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/workshops/workshops/{id}/posts", View(post, moderator: true));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReportAsync(Guid id, ModerationInput input, ClaimsPrincipal user,
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (InvalidReason(input.Reason) is { } invalid)
        {
            return invalid;
        }
        var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (post is null)
        {
            return Problems.NotFound("post");
        }
        var now = time.GetUtcNow();
        try
        {
            await db.InTransactionAsync(async ct =>
            {
                db.PostEvents.Add(new PostEvent { Id = Guid.CreateVersion7(now), PostId = id, Action = PostAction.Reported, ActorId = user.ParticipantId(), Reason = Clean(input.Reason), At = now });
                await db.SaveChangesAsync(ct);
                await db.Posts.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ReportCount, p => p.ReportCount + 1), ct);
                return (true, 0);
            }, ct);
        }
        catch (DbUpdateException e) when (e.IsViolationOf("ux_post_events_one_report_per_person"))
        {
            return Problems.Conflict("already-reported", "You already reported this post.");
        }
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<PostView>, ValidationProblem, ProblemHttpResult>> ModerateAsync(Guid id, bool hide, ModerationInput input, ClaimsPrincipal user,
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (InvalidReason(input.Reason) is { } invalid)
        {
            return invalid;
        }
        var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (post is null)
        {
            return Problems.NotFound("post");
        }
        var workshop = await db.Workshops.AsNoTracking().FirstAsync(w => w.Id == post.WorkshopId, ct);
        if (!workshop.IsManagedBy(user))
        {
            return ProgrammeApi.Forbidden();
        }
        return await db.InTransactionAsync<Results<Ok<PostView>, ValidationProblem, ProblemHttpResult>>(async ct =>
        {
            var locked = await db.Posts.FromSql($"SELECT * FROM posts WHERE id = {id} FOR UPDATE").SingleAsync(ct);
            if (locked.Hidden == hide)
            {
                return (false, Problems.Conflict(hide ? "already-hidden" : "not-hidden", hide ? "This post is already hidden." : "This post is not hidden."));
            }
            var now = time.GetUtcNow();
            locked.Hidden = hide;
            db.PostEvents.Add(new PostEvent
            {
                Id = Guid.CreateVersion7(now),
                PostId = id,
                Action = hide ? PostAction.Hidden : PostAction.Restored,
                ActorId = user.ParticipantId(),
                Reason = Clean(input.Reason),
                At = now,
            });
            await db.SaveChangesAsync(ct);
            return (true, TypedResults.Ok(View(locked, moderator: true)));
        }, ct);
    }

    internal static async Task<Results<Ok<List<PostEventView>>, ProblemHttpResult>> HistoryAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (post is null)
        {
            return Problems.NotFound("post");
        }
        var workshop = await db.Workshops.AsNoTracking().FirstAsync(w => w.Id == post.WorkshopId, ct);
        if (!workshop.IsManagedBy(user))
        {
            return ProgrammeApi.Forbidden();
        }
        var events = await db.PostEvents.AsNoTracking().Where(e => e.PostId == id).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new PostEventView(e.Action, e.ActorId, e.Reason, e.At)).ToListAsync(ct);
        return TypedResults.Ok(events);
    }

    private static ValidationProblem? InvalidReason(string? reason) => reason switch
    {
        { Length: > 500 } => new FieldErrors().Add("reason", "must be at most 500 characters.").ToProblem(),
        not null when FreeText.HasControlCharacters(reason, allowLineBreaks: true) => new FieldErrors().Add("reason", FreeText.ControlCharactersInTextError).ToProblem(),
        _ => null,
    };

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static PostView View(Post p, bool moderator) =>
        new(p.Id, p.ParentId, p.AuthorId, p.Language, p.Hidden && !moderator ? null : p.Body, p.Hidden, p.Erased, moderator ? p.ReportCount : 0, p.CreatedAt);
}
