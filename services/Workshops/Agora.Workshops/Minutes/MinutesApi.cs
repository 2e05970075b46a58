using System.Security.Claims;
using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Minutes;

public sealed record MinutesInput(Guid? SessionId, string? Markdown);

public sealed record MinutesView(Guid WorkshopId, Guid? SessionId, int Version, string Markdown, Guid? AuthorId, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt);

public sealed record PublishedView(int Version, int Recipients, DateTimeOffset PublishedAt);

/// <summary>The rapporteur's minutes: Markdown, every save a new version; publishing sends them to the workshop's registrants.</summary>
public static class MinutesApi
{
    public static RouteGroupBuilder MapMinutesApi(this RouteGroupBuilder api)
    {
        api.MapPost("/workshops/{id:guid}/minutes", SaveAsync).RequireAuthorization(Policies.RapporteurOrSteering);
        api.MapGet("/workshops/{id:guid}/minutes", ListAsync).RequireAuthorization(Policies.Participant);
        api.MapGet("/workshops/{id:guid}/minutes/{version:int}", GetAsync).RequireAuthorization(Policies.Participant);
        api.MapPost("/workshops/{id:guid}/minutes/{version:int}/publish", PublishAsync).RequireAuthorization(Policies.RapporteurOrSteering);
        return api;
    }

    internal static async Task<Results<Created<MinutesView>, ValidationProblem, ProblemHttpResult>> SaveAsync(Guid id, MinutesInput input, ClaimsPrincipal user,
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var workshop = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workshop is null)
        {
            return Problems.NotFound("workshop");
        }
        if (!workshop.IsReportedBy(user))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "You are not this workshop's rapporteur.");
        }
        var errors = new FieldErrors();
        if (FreeText.IsBlank(input.Markdown))
        {
            errors.Add("markdown", "is required.");
        }
        else if (input.Markdown.Length > MinutesVersion.MaxLength)
        {
            errors.Add("markdown", $"must be at most {MinutesVersion.MaxLength} characters.");
        }
        else if (FreeText.HasControlCharacters(input.Markdown, allowLineBreaks: true))
        {
            errors.Add("markdown", FreeText.ControlCharactersInTextError);
        }
        if (input.SessionId is Guid sid && !await db.Sessions.AnyAsync(s => s.Id == sid && s.WorkshopId == id, ct))
        {
            errors.Add("sessionId", "is not a session of this workshop.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        // The workshop row lock numbers versions one after another, whoever saves at the same time.
        return await db.InTransactionAsync<Results<Created<MinutesView>, ValidationProblem, ProblemHttpResult>>(async ct =>
        {
            await db.Workshops.FromSql($"SELECT * FROM workshops WHERE id = {id} FOR UPDATE").AsNoTracking().SingleAsync(ct);
            var last = await db.Minutes.Where(m => m.WorkshopId == id).MaxAsync(m => (int?)m.Version, ct) ?? 0;
            var now = time.GetUtcNow();
            var m = new MinutesVersion
            {
                Id = Guid.CreateVersion7(now),
                WorkshopId = id,
                SessionId = input.SessionId,
                Version = last + 1,
                Markdown = input.Markdown!,
                AuthorId = user.ParticipantId(),
                CreatedAt = now,
            };
            db.Minutes.Add(m);
            await db.SaveChangesAsync(ct);
            return (true, TypedResults.Created($"/api/workshops/workshops/{id}/minutes/{m.Version}", View(m)));
        }, ct);
    }

    /// <summary>Rapporteurs, facilitators and steering see every version; registrants see the published ones.</summary>
    internal static async Task<Results<Ok<List<MinutesView>>, ProblemHttpResult>> ListAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var workshop = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workshop is null || !await Access.IsMemberAsync(db, workshop, user, ct))
        {
            return Problems.NotFound("workshop");
        }
        var query = db.Minutes.AsNoTracking().Where(m => m.WorkshopId == id);
        if (!workshop.IsReportedBy(user) && !workshop.IsManagedBy(user))
        {
            query = query.Where(m => m.PublishedAt != null);
        }
        return TypedResults.Ok((await query.OrderBy(m => m.Version).ToListAsync(ct)).Select(View).ToList());
    }

    internal static async Task<Results<Ok<MinutesView>, ProblemHttpResult>> GetAsync(Guid id, int version, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var workshop = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        var m = await db.Minutes.AsNoTracking().FirstOrDefaultAsync(m => m.WorkshopId == id && m.Version == version, ct);
        if (workshop is null || m is null || !await Access.IsMemberAsync(db, workshop, user, ct)
            || (m.PublishedAt is null && !workshop.IsReportedBy(user) && !workshop.IsManagedBy(user)))
        {
            return Problems.NotFound("minutes");
        }
        return TypedResults.Ok(View(m));
    }

    internal static async Task<Results<Ok<PublishedView>, ProblemHttpResult>> PublishAsync(Guid id, int version, ClaimsPrincipal user,
        WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var workshop = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workshop is null)
        {
            return Problems.NotFound("workshop");
        }
        if (!workshop.IsReportedBy(user))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "You are not this workshop's rapporteur.");
        }
        return await db.InTransactionAsync<Results<Ok<PublishedView>, ProblemHttpResult>>(async ct =>
        {
            var m = await db.Minutes.FromSql($"SELECT * FROM minutes_versions WHERE workshop_id = {id} AND version = {version} FOR UPDATE").SingleOrDefaultAsync(ct);
            if (m is null)
            {
                return (false, Problems.NotFound("minutes"));
            }
            if (m.PublishedAt is not null)
            {
                return (false, Problems.Conflict("already-published", "This version of the minutes is already published."));
            }
            var now = time.GetUtcNow();
            var recipients = await db.Registrations.Where(r => r.WorkshopId == id && r.Status != RegistrationStatus.Cancelled)
                .Select(r => r.ParticipantId).Distinct().OrderBy(p => p).ToListAsync(ct);
            m.PublishedAt = now;
            db.AddEvent(new MinutesPublished(id, m.SessionId, m.Version, recipients, now), now);
            await db.SaveChangesAsync(ct);
            return (true, TypedResults.Ok(new PublishedView(m.Version, recipients.Count, now)));
        }, ct);
    }

    private static MinutesView View(MinutesVersion m) => new(m.WorkshopId, m.SessionId, m.Version, m.Markdown, m.AuthorId, m.CreatedAt, m.PublishedAt);
}
