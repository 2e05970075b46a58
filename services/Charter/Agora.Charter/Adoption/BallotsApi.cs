using System.Security.Claims;
using Agora.Charter.Charters;
using Agora.Charter.Constituencies;
using Agora.Charter.Data;
using Agora.Charter.Eligibility;
using Agora.Charter.Plan;
using Agora.Contracts.Charter;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Adoption;

public static class BallotsApi
{
    public static IEndpointRouteBuilder MapBallotsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/charter/charters/{id:guid}/versions/{number:int}/ballots", Open).RequireAuthorization(Policies.Steering);
        var ballots = endpoints.MapGroup("/api/charter/ballots");
        ballots.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.Participant);
        ballots.MapPost("/{id:guid}/casts", Cast).RequireAuthorization(Policies.Participant);
        ballots.MapPost("/{id:guid}/close", Close).RequireAuthorization(Policies.Steering);
        return endpoints;
    }

    public sealed record OpenBallot(DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt, int? Quorum, double? Majority, bool? ByCollege);

    public sealed record CastBallot(string? Choice);

    public sealed record BallotView(Guid Id, Guid CharterId, int Version, DateTimeOffset OpensAt, DateTimeOffset ClosesAt, int Quorum,
        double Majority, bool ByCollege, string Status, BallotTally? Result, int? Electorate, double? Turnout);

    internal static async Task<Results<Created<BallotView>, ValidationProblem, ProblemHttpResult>> Open(Guid id, int number, OpenBallot request,
        CharterDbContext db, IVoterEligibility eligibility, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var terms = VoteTerms.Check(request.OpensAt, request.ClosesAt, request.Quorum, request.Majority, now, errors,
            "The ballot closes after it opens.", "The quorum is a number of ballots, at least 1.",
            "The majority is a share of consents in (0, 1].");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var version = await db.CharterVersions.FirstOrDefaultAsync(v => v.CharterId == id && v.Number == number, ct);
        if (version is null)
        {
            return Problems.NotFound("charter version");
        }
        if (version.Status != VersionStatus.Final)
        {
            return Problems.Conflict("version-not-final", "Only a final version can be put to a ballot.");
        }
        if (await db.Ballots.AnyAsync(b => b.CharterId == id && b.VersionNumber == number && b.Status == BallotStatus.Open, ct))
        {
            return Problems.Conflict("ballot-already-open", "A ballot on this version is already open.");
        }
        // The version in force now fixes the electorate counted at the close; when the registry cannot say, the close counts
        // against the version current then.
        var registry = await eligibility.CountEligibleAsync(0, ct);
        var ballot = new Ballot
        {
            Id = Guid.CreateVersion7(now),
            CharterId = id,
            VersionNumber = number,
            OpensAt = terms.OpensAt,
            ClosesAt = terms.ClosesAt,
            Quorum = terms.Quorum,
            Majority = terms.Majority,
            ByCollege = request.ByCollege ?? false,
            Status = BallotStatus.Open,
            FoundingCallVersion = registry?.CurrentFoundingCallVersion is > 0 and var v ? v : null,
        };
        db.Ballots.Add(ballot);
        db.AddEvent(new BallotOpened(ballot.Id, id, number, terms.OpensAt, terms.ClosesAt), now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsViolationOf(CharterDbContext.OneOpenBallotIndex))
        {
            // Another ballot on this version was opened at the same moment: nothing of this one was written.
            return Problems.Conflict("ballot-already-open", "A ballot on this version is already open.");
        }
        return TypedResults.Created($"/api/charter/ballots/{ballot.Id}", await ViewAsync(db, ballot, ct));
    }

    private static async Task<BallotView> ViewAsync(CharterDbContext db, Ballot b, CancellationToken ct)
    {
        BallotTally? tally = null;
        double? turnout = null;
        if (b.Status == BallotStatus.Closed)
        {
            var casts = await db.BallotCasts.AsNoTracking().Where(c => c.BallotId == b.Id).Select(c => new { c.Consent, c.College }).ToListAsync(ct);
            tally = BallotTally.Of(b, casts.ConvertAll(c => (c.Consent, c.College)));
            turnout = b.Electorate is > 0 ? (double)tally.Cast / b.Electorate.Value : null;
        }
        return new BallotView(b.Id, b.CharterId, b.VersionNumber, b.OpensAt, b.ClosesAt, b.Quorum, b.Majority, b.ByCollege,
            b.Status.ToString().ToLowerInvariant(), tally, b.Electorate, turnout);
    }

    /// <summary>The ballot; results (with turnout) once closed — no running tally while it is open.</summary>
    internal static async Task<Results<Ok<BallotView>, ProblemHttpResult>> Get(Guid id, CharterDbContext db, CancellationToken ct)
    {
        var b = await db.Ballots.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, ct);
        return b is null ? Problems.NotFound("ballot") : TypedResults.Ok(await ViewAsync(db, b, ct));
    }

    /// <summary>
    /// One ballot per participant inside the window; only participants the registry says are approved and adhered to the
    /// current founding call (asked after the cheap checks, before anything is written).
    /// </summary>
    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Cast(Guid id, CastBallot request, ClaimsPrincipal user,
        CharterDbContext db, IVoterEligibility eligibility, TimeProvider time, CancellationToken ct)
    {
        if (request.Choice is not ("consent" or "objection"))
        {
            return new FieldErrors().Add("choice", "The choice is consent or objection.").ToProblem();
        }
        if (user.ParticipantId() is not { } me)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only a participant can vote.");
        }
        var ballot = await db.Ballots.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, ct);
        if (ballot is null)
        {
            return Problems.NotFound("ballot");
        }
        var now = time.GetUtcNow();
        if (!ballot.IsOpenAt(now))
        {
            return Problems.Conflict("ballot-not-open", "The ballot is not open now.", $"It is open from {ballot.OpensAt:O} to {ballot.ClosesAt:O}.");
        }
        // Someone who already cast is told so first, not sent to the registry (and told to adhere and "vote again"
        // if their adherence has since gone out of date); the unique key still settles two casts at once.
        if (await db.BallotCasts.AnyAsync(c => c.BallotId == id && c.ParticipantId == me, ct))
        {
            return AlreadyCast();
        }
        if ((await eligibility.CheckAsync(me, ct)).Refusal() is { } refusal)
        {
            return refusal;
        }
        var kind = await db.Profiles.Where(p => p.ParticipantId == me).Select(p => p.Kind).FirstOrDefaultAsync(ct);
        db.BallotCasts.Add(new BallotCast
        {
            Id = Guid.CreateVersion7(now),
            BallotId = id,
            ParticipantId = me,
            Consent = request.Choice == "consent",
            College = ParticipantProfile.College(kind),
            CastAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return AlreadyCast();
        }
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult AlreadyCast() => Problems.Conflict("ballot-already-cast", "You already cast your ballot.");

    /// <summary>
    /// Closes a ballot once its window has ended: tallies, publishes the result, adopts and plans on success. The electorate
    /// (turnout's denominator) is the number of participants the registry counts eligible at the close; when it cannot
    /// say, the number of profiles this service holds (every registered participant, so turnout reads low).
    /// </summary>
    internal static async Task<Results<Ok<BallotView>, ProblemHttpResult>> Close(Guid id, CharterDbContext db, IVoterEligibility eligibility,
        TimeProvider time, CancellationToken ct)
    {
        var ballot = await db.Ballots.FirstOrDefaultAsync(b => b.Id == id, ct);
        if (ballot is null)
        {
            return Problems.NotFound("ballot");
        }
        var now = time.GetUtcNow();
        if (ballot.Status != BallotStatus.Open)
        {
            return Problems.Conflict("ballot-closed", "The ballot is already closed.");
        }
        if (now < ballot.ClosesAt)
        {
            return Problems.Conflict("ballot-window-open", "The ballot window has not ended yet.");
        }
        // Asked before the transaction, so no row stays locked while the registry answers (at most Charter:RegistryTimeout).
        var eligible = (await eligibility.CountEligibleAsync(ballot.FoundingCallVersion ?? 0, ct))?.Eligible;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Claims the ballot: of two closes at once, the second waits here for the first to commit, then finds it closed
        // and writes nothing (no second result, adoption or plan).
        if (await db.Ballots.Where(b => b.Id == id && b.Status == BallotStatus.Open)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BallotStatus.Closed), ct) == 0)
        {
            return Problems.Conflict("ballot-closed", "The ballot is already closed.");
        }
        var casts = await db.BallotCasts.AsNoTracking().Where(c => c.BallotId == id).Select(c => new { c.Consent, c.College }).ToListAsync(ct);
        var tally = BallotTally.Of(ballot, casts.ConvertAll(c => (c.Consent, c.College)));
        ballot.Status = BallotStatus.Closed;
        ballot.Adopted = tally.Adopted;
        ballot.ClosedAt = now;
        ballot.Electorate = Math.Max(eligible ?? await db.Profiles.CountAsync(ct), tally.Cast);
        db.AddEvent(new BallotClosed(ballot.Id, ballot.CharterId, ballot.VersionNumber, tally.Adopted, now), now);
        if (tally.Adopted)
        {
            var version = await db.CharterVersions.FirstAsync(v => v.CharterId == ballot.CharterId && v.Number == ballot.VersionNumber, ct);
            version.Status = VersionStatus.Adopted;
            var articles = await db.Articles.AsNoTracking().Where(a => a.VersionId == version.Id).OrderBy(a => a.Number).ToListAsync(ct);
            foreach (var article in articles)
            {
                db.Actions.Add(new PlanAction
                {
                    Id = Guid.CreateVersion7(now),
                    CharterId = ballot.CharterId,
                    ArticleId = article.LineageId,
                    Title = $"Article {article.Number}: {article.Theme}",
                    Status = ActionStatus.Planned,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }
            db.AddEvent(new CharterAdopted(ballot.CharterId, ballot.VersionNumber, ballot.Id, now), now);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, ballot, ct));
    }
}
