using System.Security.Claims;
using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Registry.Data;
using Agora.Registry.Identity;
using Agora.Registry.Memberships;
using Agora.Registry.Participants;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Vetting;

/// <summary>
/// Organizations and movements wait for the steering committee's decision; individuals are
/// confirmed by a verified email (one-time code) or by a delegate who vouches for them. Every
/// decision is audited and published.
/// </summary>
public static class VettingApi
{
    public const int ReasonMaxLength = 1000;

    public sealed record Decide(string? Decision, string? Reason);

    public sealed record VerifyEmail(string? Code);

    public sealed record Vouch(string? Reason);

    public sealed record DecisionView(Guid Id, string Decision, string Method, Guid? DecidedBy, string? Reason, DateTimeOffset DecidedAt);

    public sealed record Outcome(Guid ParticipantId, string Status, string Vetting);

    public static IEndpointRouteBuilder MapVettingApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/registry/participants/{id:guid}");
        group.MapPost("/vetting", DecideOn).RequireAuthorization(Policies.Steering);
        group.MapGet("/vetting", History).RequireAuthorization(Policies.Steering);
        group.MapPost("/email-verification", Verify).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        group.MapPost("/email-verification/resend", Resend).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        group.MapPost("/vouch", VouchFor).RequireAuthorization(Policies.Participant);
        return endpoints;
    }

    private static Outcome OutcomeOf(Participant p) => new(p.Id, Participant.Lower(p.Status), Participant.Lower(p.Vetting));

    /// <summary>Records the decision, its audit and event, and activates when adherence is already there.</summary>
    private static void Record(RegistryDbContext db, Participant p, VettingState state, string method, Guid? by, string? reason, DateTimeOffset now)
    {
        p.Vetting = state;
        p.UpdatedAt = now;
        var decision = Participant.Lower(state);
        db.VettingDecisions.Add(new VettingDecision
        {
            Id = Guid.CreateVersion7(now),
            ParticipantId = p.Id,
            Decision = decision,
            Method = method,
            DecidedBy = by,
            Reason = reason,
            DecidedAt = now,
        });
        db.AddEvent(new ParticipantVettingDecided(p.Id, Participant.KindName(p.Kind), decision, by, now), now);
        if (state == VettingState.Rejected)
        {
            p.Status = ParticipantStatus.Rejected;
        }
        else if (p.TryActivate(now))
        {
            ParticipantEvents.Activated(db, p, now);
        }
    }

    internal static async Task<Results<Ok<Outcome>, ValidationProblem, ProblemHttpResult>> DecideOn(
        Guid id, Decide request, ClaimsPrincipal user, RegistryDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        VettingState? state = request.Decision?.Trim().ToLowerInvariant() switch
        {
            "approve" or "approved" => VettingState.Approved,
            "reject" or "rejected" => VettingState.Rejected,
            _ => null,
        };
        if (state is null)
        {
            errors.Add("decision", "The decision must be approve or reject.");
        }
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || FreeText.HasControlCharacters(reason, allowLineBreaks: true))
        {
            errors.Add("reason", "A reason (visible text) is required for every decision.");
        }
        else if (reason.Length > ReasonMaxLength)
        {
            errors.Add("reason", $"The reason must be at most {ReasonMaxLength} characters.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var p = await db.Participants.FirstOrDefaultAsync(p => p.Id == id && p.Status != ParticipantStatus.Erased, ct);
        if (p is null)
        {
            return Problems.NotFound("participant");
        }
        if (!p.IsOrganizationOrMovement)
        {
            return Problems.Conflict("not-vetted-by-steering", "Individuals are confirmed by a verified email or a delegate's vouching, not by the steering committee.");
        }
        if (p.Vetting != VettingState.Pending)
        {
            return Problems.Conflict("not-pending", "This participant is not pending vetting.", $"The vetting is already {Participant.Lower(p.Vetting)}.");
        }
        Record(db, p, state!.Value, "steering", user.ParticipantId(), reason, time.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("not-pending", "This participant was decided on at the same time.");
        }
        return TypedResults.Ok(OutcomeOf(p));
    }

    internal static async Task<Ok<List<DecisionView>>> History(Guid id, RegistryDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.VettingDecisions.AsNoTracking().Where(d => d.ParticipantId == id).OrderBy(d => d.DecidedAt)
            .Select(d => new DecisionView(d.Id, d.Decision, d.Method, d.DecidedBy, d.Reason, d.DecidedAt)).ToListAsync(ct));

    internal static async Task<Results<Ok<Outcome>, ValidationProblem, ProblemHttpResult>> Verify(
        Guid id, VerifyEmail request, RegistryDbContext db, OneTimeCodes codes, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Code))
        {
            return new FieldErrors().Add("code", "The code is required.").ToProblem();
        }
        // The row stays locked until the end, so concurrent tries take turns and every wrong code counts toward the limit
        // (xmin, a system column that * leaves out, is the row version).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var p = await db.Participants.FromSql($"SELECT *, xmin FROM participants WHERE id = {id} FOR UPDATE")
            .SingleOrDefaultAsync(p => p.Status != ParticipantStatus.Erased, ct);
        if (p is null)
        {
            return Problems.NotFound("participant");
        }
        if (p.EmailVerifiedAt is not null)
        {
            return Problems.Conflict("already-verified", "This email is already verified.");
        }
        var now = time.GetUtcNow();
        var check = codes.Check(p, OneTimeCodes.VerifyEmail, request.Code, now);
        if (check != CodeCheck.Valid)
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return check switch
            {
                CodeCheck.Expired => Problems.Of(StatusCodes.Status400BadRequest, "code-expired", "The code has expired; ask for a new one."),
                CodeCheck.TooManyAttempts => Problems.Of(StatusCodes.Status429TooManyRequests, "code-attempts-exceeded", "Too many wrong codes; ask for a new one."),
                _ => Problems.Of(StatusCodes.Status400BadRequest, "code-invalid", "The code is not valid."),
            };
        }
        p.EmailVerifiedAt = now;
        p.UpdatedAt = now;
        if (p.Kind == ParticipantKind.Individual && p.Vetting == VettingState.Pending)
        {
            Record(db, p, VettingState.Confirmed, "email", null, null, now);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(OutcomeOf(p));
    }

    internal static async Task<Results<Accepted, ProblemHttpResult>> Resend(Guid id, RegistryDbContext db, OneTimeCodes codes, TimeProvider time, CancellationToken ct)
    {
        var p = await db.Participants.FirstOrDefaultAsync(p => p.Id == id && p.Status != ParticipantStatus.Erased, ct);
        if (p is null)
        {
            return Problems.NotFound("participant");
        }
        if (p.EmailVerifiedAt is not null)
        {
            return Problems.Conflict("already-verified", "This email is already verified.");
        }
        codes.Issue(db, p, OneTimeCodes.VerifyEmail, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>A delegate of an approved organization or movement vouches for a pending individual.</summary>
    internal static async Task<Results<Ok<Outcome>, ValidationProblem, ProblemHttpResult>> VouchFor(
        Guid id, Vouch request, ClaimsPrincipal user, RegistryDbContext db, TimeProvider time, CancellationToken ct)
    {
        var reason = request.Reason?.Trim();
        if (reason is { Length: > ReasonMaxLength })
        {
            return new FieldErrors().Add("reason", $"The reason must be at most {ReasonMaxLength} characters.").ToProblem();
        }
        var voucher = user.ParticipantId();
        var isDelegate = voucher is Guid v && await db.Memberships.AnyAsync(m => m.IndividualId == v && m.Role == MembershipRole.Delegate && m.Status == MembershipStatus.Active
            && db.Participants.Any(o => o.Id == m.OrganizationId && o.Vetting == VettingState.Approved), ct);
        if (!isDelegate)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "not-a-delegate", "Only a delegate of an approved organization or movement can vouch.");
        }
        var p = await db.Participants.FirstOrDefaultAsync(p => p.Id == id && p.Status != ParticipantStatus.Erased, ct);
        if (p is null)
        {
            return Problems.NotFound("participant");
        }
        if (p.Kind != ParticipantKind.Individual)
        {
            return Problems.Conflict("not-an-individual", "Only individuals are confirmed by vouching.");
        }
        if (p.Id == voucher)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "self-vouching", "No one can vouch for themselves.");
        }
        if (p.Vetting != VettingState.Pending)
        {
            return Problems.Conflict("not-pending", "This participant is not pending vetting.");
        }
        Record(db, p, VettingState.Confirmed, "vouch", voucher, string.IsNullOrEmpty(reason) ? null : reason, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(OutcomeOf(p));
    }
}
