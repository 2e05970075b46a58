using System.Security.Claims;
using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Programme;

/// <summary>Workshops and their sessions: steering and each workshop's facilitators manage them; everyone reads the programme.</summary>
public static class ProgrammeApi
{
    public static RouteGroupBuilder MapProgrammeApi(this RouteGroupBuilder api)
    {
        var workshops = api.MapGroup("/workshops");
        workshops.MapGet("/", ListAsync).AllowAnonymous();
        workshops.MapGet("/{id:guid}", GetAsync).AllowAnonymous();
        workshops.MapPost("/", CreateAsync).RequireAuthorization(Policies.Steering);
        workshops.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        workshops.MapPost("/{id:guid}/status", ChangeStatusAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        workshops.MapPost("/{id:guid}/sessions", AddSessionAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        api.MapGet("/sessions/{id:guid}", GetSessionAsync).AllowAnonymous();
        return api;
    }

    /// <summary>The public programme: every workshop past its draft, with its sessions.</summary>
    internal static async Task<Ok<List<WorkshopView>>> ListAsync(WorkshopsDbContext db, string? theme, CancellationToken ct)
    {
        var query = db.Workshops.AsNoTracking().Where(w => w.Status != WorkshopStatus.Draft);
        if (!string.IsNullOrWhiteSpace(theme))
        {
            query = query.Where(w => w.Theme == theme);
        }
        var list = await query.OrderBy(w => w.CreatedAt).ToListAsync(ct);
        var sessions = await SessionViewsAsync(db, list.Select(w => w.Id).ToList(), ct);
        return TypedResults.Ok(list.Select(w => View(w, sessions)).ToList());
    }

    internal static async Task<Results<Ok<WorkshopView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var w = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (w is null || (w.Status == WorkshopStatus.Draft && !w.IsManagedBy(user)))
        {
            return Problems.NotFound("workshop");
        }
        return TypedResults.Ok(View(w, await SessionViewsAsync(db, [w.Id], ct)));
    }

    internal static async Task<Results<Created<WorkshopView>, ValidationProblem>> CreateAsync(WorkshopInput input, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = Validate(input);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var now = time.GetUtcNow();
        var w = new Workshop
        {
            Id = Guid.CreateVersion7(now),
            Theme = input.Theme!.Trim(),
            TitleAr = input.Title!.Ar!.Trim(),
            TitleFr = input.Title.Fr!.Trim(),
            TitleEn = input.Title.En!.Trim(),
            CreatedAt = now,
        };
        Apply(w, input);
        db.Workshops.Add(w);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/workshops/workshops/{w.Id}", View(w, new Dictionary<Guid, List<SessionView>>()));
    }

    internal static async Task<Results<Ok<WorkshopView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, WorkshopInput input, ClaimsPrincipal user,
        WorkshopsDbContext db, CancellationToken ct)
    {
        var w = await db.Workshops.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (w is null)
        {
            return Problems.NotFound("workshop");
        }
        if (!w.IsManagedBy(user))
        {
            return Forbidden();
        }
        var errors = Validate(input);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var changesPeople = !(input.FacilitatorIds ?? []).Order().SequenceEqual(w.FacilitatorIds.Order())
            || !(input.RapporteurIds ?? []).Order().SequenceEqual(w.RapporteurIds.Order());
        if (changesPeople && !user.IsSteering())
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only steering names facilitators and rapporteurs.");
        }
        w.Theme = input.Theme!.Trim();
        w.TitleAr = input.Title!.Ar!.Trim();
        w.TitleFr = input.Title.Fr!.Trim();
        w.TitleEn = input.Title.En!.Trim();
        Apply(w, input);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(w, await SessionViewsAsync(db, [w.Id], ct)));
    }

    /// <summary>
    /// The cancellation reason of the sessions a workshop's closing cancels, kept in English for older clients;
    /// their cause, <see cref="WorkshopSessionCancelled.WorkshopClosed"/>, is what front ends and notifications word.
    /// </summary>
    public const string ClosedWorkshopReason = "The workshop was closed.";

    internal static async Task<Results<Ok<WorkshopView>, ValidationProblem, ProblemHttpResult>> ChangeStatusAsync(Guid id, StatusInput input, ClaimsPrincipal user,
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (input.Status is null || !WorkshopStatus.All.Contains(input.Status))
        {
            return new FieldErrors().Add("status", "must be one of draft, open, in_progress, closed.").ToProblem();
        }
        var w = await db.Workshops.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (w is null)
        {
            return Problems.NotFound("workshop");
        }
        if (!w.IsManagedBy(user))
        {
            return Forbidden();
        }
        if (!WorkshopStatus.CanMove(w.Status, input.Status))
        {
            return Problems.Conflict("invalid-status-transition", "The workshop cannot move to that status.",
                $"A workshop moves draft → open → in_progress → closed; it is {w.Status}.");
        }
        // Concurrent transitions: only the one that still sees the old status wins. Closing cancels, in the same
        // transaction, every session not yet started, as POST /sessions/{id}/cancel does (registrations, event).
        var from = w.Status;
        var to = input.Status;
        var changed = await db.InTransactionAsync(async ct =>
        {
            var updated = await db.Workshops.Where(x => x.Id == id && x.Status == from)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, to), ct);
            if (updated == 0)
            {
                return (false, false);
            }
            if (to == WorkshopStatus.Closed)
            {
                var now = time.GetUtcNow();
                var ahead = await db.Sessions.AsNoTracking().Where(s => s.WorkshopId == id && !s.Cancelled && s.StartsAt > now)
                    .OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(ct);
                foreach (var sessionId in ahead)
                {
                    var session = (await SeatAllocator.LockSessionAsync(db, sessionId, ct))!;
                    if (!session.Cancelled && session.StartsAt > now)
                    {
                        await SessionCancellation.CancelLockedAsync(db, session, ClosedWorkshopReason, WorkshopSessionCancelled.WorkshopClosed, now, ct);
                    }
                }
                await db.SaveChangesAsync(ct);
            }
            return (true, true);
        }, ct);
        if (!changed)
        {
            return Problems.Conflict("invalid-status-transition", "The workshop's status changed meanwhile.");
        }
        w.Status = to;
        return TypedResults.Ok(View(w, await SessionViewsAsync(db, [w.Id], ct)));
    }

    internal static async Task<Results<Created<SessionView>, ValidationProblem, ProblemHttpResult>> AddSessionAsync(Guid id, SessionInput input, ClaimsPrincipal user,
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var w = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (w is null)
        {
            return Problems.NotFound("workshop");
        }
        if (!w.IsManagedBy(user))
        {
            return Forbidden();
        }
        if (w.Status == WorkshopStatus.Closed)
        {
            return Problems.Conflict("workshop-closed", "A closed workshop gets no new sessions.");
        }
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var session = SessionRules.Build(input, w.Id, now, errors);
        if (session is null)
        {
            return errors.ToProblem();
        }
        db.Sessions.Add(session);
        db.AddEvent(new WorkshopSessionScheduled(w.Id, session.Id, w.Theme, session.StartsAt, session.EndsAt, session.Mode), now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsViolationOf(WorkshopsDbContext.RoomOverlapConstraint))
        {
            return Problems.Conflict("room-overlap", "Another session uses this room at an overlapping time.");
        }
        return TypedResults.Created($"/api/workshops/sessions/{session.Id}", SessionRules.View(session, 0, 0));
    }

    internal static async Task<Results<Ok<SessionView>, ProblemHttpResult>> GetSessionAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var s = await db.Sessions.AsNoTracking().Include(s => s.Reservations).FirstOrDefaultAsync(s => s.Id == id, ct);
        var w = s is null ? null : await db.Workshops.AsNoTracking().FirstAsync(w => w.Id == s.WorkshopId, ct);
        if (s is null || w is null || (w.Status == WorkshopStatus.Draft && !w.IsManagedBy(user)))
        {
            return Problems.NotFound("session");
        }
        var views = await SessionViewsAsync(db, [w.Id], ct);
        return TypedResults.Ok(views[w.Id].Single(v => v.Id == id));
    }

    internal static ProblemHttpResult Forbidden() =>
        Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "You do not manage this workshop.");

    /// <summary>Facilitators, and rapporteurs, a workshop has at most (each list is kept in the workshop's row).</summary>
    public const int MaxPeoplePerRole = 50;

    private static FieldErrors Validate(WorkshopInput input)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(input.Theme) || input.Theme.Trim().Length > 100)
        {
            errors.Add("theme", "is required (at most 100 characters).");
        }
        else if (FreeText.HasControlCharacters(input.Theme))
        {
            errors.Add("theme", FreeText.ControlCharactersError);
        }
        foreach (var (lang, text) in new[] { ("ar", input.Title?.Ar), ("fr", input.Title?.Fr), ("en", input.Title?.En) })
        {
            if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > 300)
            {
                errors.Add($"title.{lang}", "is required (at most 300 characters).");
            }
            else if (FreeText.HasControlCharacters(text))
            {
                errors.Add($"title.{lang}", FreeText.ControlCharactersError);
            }
        }
        foreach (var (lang, text) in new[] { ("ar", input.Description?.Ar), ("fr", input.Description?.Fr), ("en", input.Description?.En) })
        {
            if (text is { Length: > 4000 })
            {
                errors.Add($"description.{lang}", "must be at most 4000 characters.");
            }
            else if (text is not null && FreeText.HasControlCharacters(text, allowLineBreaks: true))
            {
                errors.Add($"description.{lang}", FreeText.ControlCharactersInTextError);
            }
        }
        foreach (var (field, ids) in new[] { ("facilitatorIds", input.FacilitatorIds), ("rapporteurIds", input.RapporteurIds) })
        {
            if ((ids ?? []).Any(g => g == Guid.Empty))
            {
                errors.Add(field, "must be participant ids.");
            }
            else if ((ids ?? []).Distinct().Count() > MaxPeoplePerRole)
            {
                errors.Add(field, $"at most {MaxPeoplePerRole} people.");
            }
        }
        return errors;
    }

    private static void Apply(Workshop w, WorkshopInput input)
    {
        w.DescriptionAr = Blank(input.Description?.Ar);
        w.DescriptionFr = Blank(input.Description?.Fr);
        w.DescriptionEn = Blank(input.Description?.En);
        w.FacilitatorIds = (input.FacilitatorIds ?? []).Distinct().ToList();
        w.RapporteurIds = (input.RapporteurIds ?? []).Distinct().ToList();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static WorkshopView View(Workshop w, Dictionary<Guid, List<SessionView>> sessions) => new(
        w.Id, w.Theme, new LocalizedText(w.TitleAr, w.TitleFr, w.TitleEn), new LocalizedText(w.DescriptionAr, w.DescriptionFr, w.DescriptionEn),
        w.Status, w.FacilitatorIds, w.RapporteurIds, sessions.TryGetValue(w.Id, out var list) ? list : []);

    internal static async Task<Dictionary<Guid, List<SessionView>>> SessionViewsAsync(WorkshopsDbContext db, List<Guid> workshopIds, CancellationToken ct)
    {
        var sessions = await db.Sessions.AsNoTracking().Include(s => s.Reservations)
            .Where(s => workshopIds.Contains(s.WorkshopId)).OrderBy(s => s.StartsAt).ToListAsync(ct);
        var ids = sessions.Select(s => s.Id).ToList();
        var counts = await db.Registrations.AsNoTracking()
            .Where(r => ids.Contains(r.SessionId) && r.Status != RegistrationStatus.Cancelled)
            .GroupBy(r => new { r.SessionId, r.Status })
            .Select(g => new { g.Key.SessionId, g.Key.Status, Count = g.Count() })
            .ToListAsync(ct);
        int Count(Guid session, string status) => counts.FirstOrDefault(c => c.SessionId == session && c.Status == status)?.Count ?? 0;
        return sessions.GroupBy(s => s.WorkshopId).ToDictionary(g => g.Key,
            g => g.Select(s => SessionRules.View(s, Count(s.Id, RegistrationStatus.Confirmed), Count(s.Id, RegistrationStatus.Waitlisted))).ToList());
    }
}
