using System.Security.Claims;
using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Agora.Workshops.Programme;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Contributions;

public sealed record ContributionInput(Guid? SessionId, string? Type, string? Language, string? Theme, string? Text);

public sealed record MergeInput(IReadOnlyList<Guid>? SourceIds, string? Type, string? Language, string? Theme, string? Text);

public sealed record ContributionView(Guid Id, Guid WorkshopId, Guid? SessionId, Guid? AuthorId, string Type, string Language, string Theme,
    string Text, string OriginalText, string Status, IReadOnlyList<Guid> MergedFrom, Guid? MergedInto, DateTimeOffset SubmittedAt, DateTimeOffset? ValidatedAt);

/// <summary>Participants submit contributions; the workshop's rapporteur edits, validates or merges them into the charter's input.</summary>
public static class ContributionsApi
{
    public static RouteGroupBuilder MapContributionsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/workshops/{id:guid}/contributions", SubmitAsync).RequireAuthorization(Policies.Participant);
        api.MapGet("/workshops/{id:guid}/contributions", ListAsync).RequireAuthorization(Policies.Participant);
        api.MapPut("/contributions/{id:guid}", EditAsync).RequireAuthorization(Policies.RapporteurOrSteering);
        api.MapPost("/contributions/{id:guid}/validate", ValidateAsync).RequireAuthorization(Policies.RapporteurOrSteering);
        api.MapPost("/workshops/{id:guid}/contributions/merge", MergeAsync).RequireAuthorization(Policies.RapporteurOrSteering);
        return api;
    }

    internal static async Task<Results<Created<ContributionView>, ValidationProblem, ProblemHttpResult>> SubmitAsync(Guid id, ContributionInput input,
        ClaimsPrincipal user, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var workshop = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workshop is null || workshop.Status == WorkshopStatus.Draft)
        {
            return Problems.NotFound("workshop");
        }
        if (!await Access.IsMemberAsync(db, workshop, user, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "not-a-member", "Only this workshop's participants contribute to it.");
        }
        var errors = Validate(input.Type, input.Language, input.Theme, input.Text);
        if (input.SessionId is Guid sid && !await db.Sessions.AnyAsync(s => s.Id == sid && s.WorkshopId == id, ct))
        {
            errors.Add("sessionId", "is not a session of this workshop.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var now = time.GetUtcNow();
        var text = input.Text!.Trim();
        var c = new Contribution
        {
            Id = Guid.CreateVersion7(now),
            WorkshopId = id,
            SessionId = input.SessionId,
            AuthorId = user.ParticipantId(),
            Type = input.Type!,
            Language = input.Language!,
            Theme = string.IsNullOrWhiteSpace(input.Theme) ? workshop.Theme : input.Theme.Trim(),
            Text = text,
            OriginalText = text,
            SubmittedAt = now,
        };
        db.Contributions.Add(c);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/workshops/contributions/{c.Id}", View(c));
    }

    /// <summary>The rapporteur, facilitators and steering see every contribution; a participant sees their own.</summary>
    internal static async Task<Results<Ok<List<ContributionView>>, ProblemHttpResult>> ListAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var workshop = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workshop is null)
        {
            return Problems.NotFound("workshop");
        }
        var query = db.Contributions.AsNoTracking().Where(c => c.WorkshopId == id);
        if (!workshop.IsManagedBy(user) && !workshop.IsReportedBy(user))
        {
            var me = user.ParticipantId();
            query = query.Where(c => c.AuthorId == me);
        }
        return TypedResults.Ok((await query.OrderBy(c => c.SubmittedAt).ToListAsync(ct)).Select(View).ToList());
    }

    internal static async Task<Results<Ok<ContributionView>, ValidationProblem, ProblemHttpResult>> EditAsync(Guid id, ContributionInput input,
        ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var c = await db.Contributions.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (c is null)
        {
            return Problems.NotFound("contribution");
        }
        var workshop = await db.Workshops.AsNoTracking().FirstAsync(w => w.Id == c.WorkshopId, ct);
        if (!workshop.IsReportedBy(user))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "You are not this workshop's rapporteur.");
        }
        var errors = Validate(input.Type ?? c.Type, input.Language ?? c.Language, input.Theme, input.Text);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        // Locked like validation, so an edit never lands after the text was published.
        return await db.InTransactionAsync<Results<Ok<ContributionView>, ValidationProblem, ProblemHttpResult>>(async ct =>
        {
            var locked = await db.Contributions.FromSql($"SELECT * FROM contributions WHERE id = {id} FOR UPDATE").SingleAsync(ct);
            if (locked.Status != ContributionStatus.Submitted)
            {
                return (false, Problems.Conflict("contribution-settled", "A validated or merged contribution is no longer edited."));
            }
            locked.Text = input.Text!.Trim();
            locked.Type = input.Type ?? locked.Type;
            locked.Language = input.Language ?? locked.Language;
            locked.Theme = string.IsNullOrWhiteSpace(input.Theme) ? locked.Theme : input.Theme.Trim();
            await db.SaveChangesAsync(ct);
            return (true, TypedResults.Ok(View(locked)));
        }, ct);
    }

    internal static async Task<Results<Ok<ContributionView>, ProblemHttpResult>> ValidateAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        var c = await db.Contributions.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (c is null)
        {
            return Problems.NotFound("contribution");
        }
        var workshop = await db.Workshops.AsNoTracking().FirstAsync(w => w.Id == c.WorkshopId, ct);
        if (!workshop.IsReportedBy(user))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "You are not this workshop's rapporteur.");
        }
        // The row lock makes the status check and the event one step: two validations publish once.
        return await db.InTransactionAsync<Results<Ok<ContributionView>, ProblemHttpResult>>(async ct =>
        {
            var locked = await db.Contributions.FromSql($"SELECT * FROM contributions WHERE id = {id} FOR UPDATE").SingleAsync(ct);
            if (locked.Status != ContributionStatus.Submitted)
            {
                return (false, Problems.Conflict("contribution-settled", "This contribution was already validated or merged."));
            }
            var now = time.GetUtcNow();
            locked.Status = ContributionStatus.Validated;
            locked.ValidatedAt = now;
            locked.ValidatedBy = user.ParticipantId();
            db.AddEvent(Validated(locked, now), now);
            await db.SaveChangesAsync(ct);
            return (true, TypedResults.Ok(View(locked)));
        }, ct);
    }

    /// <summary>Merges submitted contributions into one validated contribution; the sources become "merged".</summary>
    internal static async Task<Results<Created<ContributionView>, ValidationProblem, ProblemHttpResult>> MergeAsync(Guid id, MergeInput input,
        ClaimsPrincipal user, WorkshopsDbContext db, TimeProvider time, CancellationToken ct)
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
        var errors = Validate(input.Type, input.Language, input.Theme, input.Text);
        var sourceIds = (input.SourceIds ?? []).Distinct().ToList();
        if (sourceIds.Count < 2)
        {
            errors.Add("sourceIds", "name at least two contributions to merge.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return await db.InTransactionAsync<Results<Created<ContributionView>, ValidationProblem, ProblemHttpResult>>(async ct =>
        {
            var sources = await db.Contributions.FromSql($"SELECT * FROM contributions WHERE id = ANY({sourceIds.ToArray()}) FOR UPDATE").ToListAsync(ct);
            if (sources.Count != sourceIds.Count || sources.Any(s => s.WorkshopId != id))
            {
                return (false, new FieldErrors().Add("sourceIds", "must all be contributions of this workshop.").ToProblem());
            }
            if (sources.Any(s => s.Status != ContributionStatus.Submitted))
            {
                return (false, Problems.Conflict("contribution-settled", "Only submitted contributions can be merged."));
            }
            var now = time.GetUtcNow();
            var text = input.Text!.Trim();
            var sessions = sources.Select(s => s.SessionId).Distinct().ToList();
            var merged = new Contribution
            {
                Id = Guid.CreateVersion7(now),
                WorkshopId = id,
                SessionId = sessions.Count == 1 ? sessions[0] : null,
                AuthorId = null,
                Type = input.Type!,
                Language = input.Language!,
                Theme = string.IsNullOrWhiteSpace(input.Theme) ? workshop.Theme : input.Theme.Trim(),
                Text = text,
                OriginalText = text,
                Status = ContributionStatus.Validated,
                MergedFrom = sourceIds,
                ValidatedBy = user.ParticipantId(),
                SubmittedAt = now,
                ValidatedAt = now,
            };
            foreach (var s in sources)
            {
                s.Status = ContributionStatus.Merged;
                s.MergedInto = merged.Id;
            }
            db.Contributions.Add(merged);
            db.AddEvent(Validated(merged, now), now);
            await db.SaveChangesAsync(ct);
            return (true, TypedResults.Created($"/api/workshops/contributions/{merged.Id}", View(merged)));
        }, ct);
    }

    private static ContributionValidated Validated(Contribution c, DateTimeOffset now) =>
        new(c.Id, c.WorkshopId, c.SessionId, c.Theme, c.Type, c.Language, c.Text, c.MergedFrom, now);

    private static FieldErrors Validate(string? type, string? language, string? theme, string? text)
    {
        var errors = new FieldErrors();
        if (type is null || !ContributionType.All.Contains(type))
        {
            errors.Add("type", "must be value, principle, demand or proposal.");
        }
        if (!Languages.IsKnown(language))
        {
            errors.Add("language", "must be ar, fr or en.");
        }
        if (theme is { Length: > 100 })
        {
            errors.Add("theme", "must be at most 100 characters.");
        }
        else if (theme is not null && FreeText.HasControlCharacters(theme))
        {
            errors.Add("theme", FreeText.ControlCharactersError);
        }
        var trimmed = text?.Trim();
        if (FreeText.IsBlank(trimmed))
        {
            errors.Add("text", "is required.");
        }
        else if (trimmed.Length > Contribution.MaxLength)
        {
            errors.Add("text", $"must be at most {Contribution.MaxLength} characters.");
        }
        else if (FreeText.HasControlCharacters(trimmed, allowLineBreaks: true))
        {
            errors.Add("text", FreeText.ControlCharactersInTextError);
        }
        return errors;
    }

    private static ContributionView View(Contribution c) => new(c.Id, c.WorkshopId, c.SessionId, c.AuthorId, c.Type, c.Language, c.Theme,
        c.Text, c.OriginalText, c.Status, c.MergedFrom, c.MergedInto, c.SubmittedAt, c.ValidatedAt);
}
