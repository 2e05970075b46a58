using System.Security.Claims;
using Agora.Charter.Adoption;
using Agora.Charter.Constituencies;
using Agora.Charter.Data;
using Agora.Charter.Eligibility;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Charters;

/// <summary>
/// Amendments decided by a vote: steering opens one on a pending amendment against the current draft, participants vote
/// for / against / abstain once within the window, and closing it applies the result the way a steering decision does
/// (accepted: the next version and <c>CharterVersionPublished</c>; rejected: recorded).
/// </summary>
public static class AmendmentVotesApi
{
    public static IEndpointRouteBuilder MapAmendmentVotesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/charter/amendments/{id:guid}/votes", Open).RequireAuthorization(Policies.Steering);
        var votes = endpoints.MapGroup("/api/charter/amendment-votes");
        votes.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.Participant);
        votes.MapPost("/{id:guid}/casts", Cast).RequireAuthorization(Policies.Participant);
        votes.MapPost("/{id:guid}/close", Close).RequireAuthorization(Policies.Steering);
        return endpoints;
    }

    public sealed record OpenVote(DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt, int? Quorum, double? Majority, bool? ByCollege);

    public sealed record CastVote(string? Choice);

    /// <param name="Result">Once closed: consents are "for", objections "against", plus abstentions.</param>
    public sealed record AmendmentVoteView(Guid Id, Guid AmendmentId, Guid CharterId, int Version, DateTimeOffset OpensAt, DateTimeOffset ClosesAt,
        int Quorum, double Majority, bool ByCollege, string Status, bool? Accepted, string? Outcome, BallotTally? Result);

    internal static Task<bool> IsUnderVoteAsync(CharterDbContext db, Guid amendmentId, CancellationToken ct) =>
        db.AmendmentVotes.AnyAsync(v => v.AmendmentId == amendmentId && v.Status == AmendmentVoteStatus.Open, ct);

    internal static async Task<Results<Created<AmendmentVoteView>, ValidationProblem, ProblemHttpResult>> Open(Guid id, OpenVote request,
        CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var terms = VoteTerms.Check(request.OpensAt, request.ClosesAt, request.Quorum, request.Majority, now, errors,
            "The vote closes after it opens.", "The quorum is a number of ballots (abstentions included), at least 1.",
            "The majority is a share of \"for\" among for and against, in (0, 1].");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        // Under the charter's lock: an acceptance or a finalize at the same moment either committed before (the amendment
        // lapsed: 409) or waits for this vote and closes it with the amendment's lapse.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var amendment = await ChartersApi.LockedAmendmentAsync(db, id, ct);
        if (amendment is null)
        {
            return Problems.NotFound("amendment");
        }
        if (amendment.Status != AmendmentStatus.Pending)
        {
            return ChartersApi.NotPending(amendment);
        }
        if (!await ChartersApi.IsCurrentDraftAsync(db, amendment, ct))
        {
            return Problems.Conflict("version-superseded", "The amendment is against a version that is no longer the current draft.");
        }
        if (await db.AmendmentVotes.AnyAsync(v => v.AmendmentId == id, ct))
        {
            return Problems.Conflict("amendment-under-vote", "A vote on this amendment was already opened.");
        }
        var vote = new AmendmentVote
        {
            Id = Guid.CreateVersion7(now),
            AmendmentId = id,
            CharterId = amendment.CharterId,
            VersionNumber = amendment.VersionNumber,
            OpensAt = terms.OpensAt,
            ClosesAt = terms.ClosesAt,
            Quorum = terms.Quorum,
            Majority = terms.Majority,
            ByCollege = request.ByCollege ?? false,
            Status = AmendmentVoteStatus.Open,
            CreatedAt = now,
        };
        db.AmendmentVotes.Add(vote);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problems.Conflict("amendment-under-vote", "A vote on this amendment was already opened.");
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/charter/amendment-votes/{vote.Id}", await ViewAsync(db, vote, ct));
    }

    private static async Task<BallotTally> TallyAsync(CharterDbContext db, AmendmentVote vote, CancellationToken ct)
    {
        var casts = await db.AmendmentVoteCasts.AsNoTracking().Where(c => c.VoteId == vote.Id).Select(c => new { c.Choice, c.College }).ToListAsync(ct);
        var decisive = casts.Where(c => c.Choice != AmendmentVoteCast.Abstain).Select(c => (c.Choice == AmendmentVoteCast.For, c.College)).ToList();
        return BallotTally.Count(vote.Quorum, vote.Majority, vote.ByCollege, decisive, casts.Count - decisive.Count);
    }

    private static AmendmentVoteView View(AmendmentVote v, BallotTally? result) =>
        new(v.Id, v.AmendmentId, v.CharterId, v.VersionNumber, v.OpensAt, v.ClosesAt, v.Quorum, v.Majority, v.ByCollege,
            v.Status.ToString().ToLowerInvariant(), v.Accepted, v.Outcome, result);

    private static async Task<AmendmentVoteView> ViewAsync(CharterDbContext db, AmendmentVote v, CancellationToken ct) =>
        View(v, v.Status == AmendmentVoteStatus.Closed ? await TallyAsync(db, v, ct) : null);

    /// <summary>The vote; its result once closed — no running tally while it is open.</summary>
    internal static async Task<Results<Ok<AmendmentVoteView>, ProblemHttpResult>> Get(Guid id, CharterDbContext db, CancellationToken ct)
    {
        var v = await db.AmendmentVotes.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct);
        return v is null ? Problems.NotFound("amendment vote") : TypedResults.Ok(await ViewAsync(db, v, ct));
    }

    /// <summary>
    /// Once per participant inside the window, while the amendment's version is the current draft; only participants the
    /// registry says are approved and adhered to the current founding call (asked before anything is written).
    /// </summary>
    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Cast(Guid id, CastVote request, ClaimsPrincipal user,
        CharterDbContext db, IVoterEligibility eligibility, TimeProvider time, CancellationToken ct)
    {
        if (!AmendmentVoteCast.IsChoice(request.Choice))
        {
            return new FieldErrors().Add("choice", "The choice is for, against or abstain.").ToProblem();
        }
        if (user.ParticipantId() is not { } me)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only a participant can vote.");
        }
        var vote = await db.AmendmentVotes.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct);
        if (vote is null)
        {
            return Problems.NotFound("amendment vote");
        }
        var now = time.GetUtcNow();
        // As for a ballot: an earlier vote is answered before the registry is asked.
        if (await CastRefusalAsync(db, id, me, now, ct) is { } refused)
        {
            return refused;
        }
        if ((await eligibility.CheckAsync(me, ct)).Refusal() is { } refusal)
        {
            return refusal;
        }
        var kind = await db.Profiles.Where(p => p.ParticipantId == me).Select(p => p.Kind).FirstOrDefaultAsync(ct);
        // Checked again under the charter's lock (shared: casts do not wait on each other), taken after the registry
        // answered so no row stays locked meanwhile: a lapse (finalize, acceptance) committed since is a 409, one still
        // running waits for this cast.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await ChartersApi.LockSharedAsync(db, vote.CharterId, ct);
        if (await CastRefusalAsync(db, id, me, now, ct) is { } changed)
        {
            return changed;
        }
        db.AmendmentVoteCasts.Add(new AmendmentVoteCast
        {
            Id = Guid.CreateVersion7(now),
            VoteId = id,
            ParticipantId = me,
            Choice = request.Choice!,
            College = ParticipantProfile.College(kind),
            CastAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return AlreadyVoted();
        }
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Why a cast is refused (lapsed, not open, version superseded, already cast), read afresh; null when it may be stored.</summary>
    private static async Task<ProblemHttpResult?> CastRefusalAsync(CharterDbContext db, Guid id, Guid me, DateTimeOffset now, CancellationToken ct)
    {
        var vote = await db.AmendmentVotes.AsNoTracking().FirstAsync(v => v.Id == id, ct);
        var amendment = await db.Amendments.AsNoTracking().FirstAsync(a => a.Id == vote.AmendmentId, ct);
        if (vote.Outcome == ChartersApi.LapsedOutcome)
        {
            return ChartersApi.NotPending(amendment);
        }
        if (!vote.IsOpenAt(now))
        {
            return Problems.Conflict("vote-not-open", "The vote is not open now.", $"It is open from {vote.OpensAt:O} to {vote.ClosesAt:O}.");
        }
        if (!await ChartersApi.IsCurrentDraftAsync(db, amendment, ct))
        {
            return Problems.Conflict("version-superseded", "The amendment is against a version that was superseded; the vote can no longer change it.");
        }
        if (await db.AmendmentVoteCasts.AnyAsync(c => c.VoteId == id && c.ParticipantId == me, ct))
        {
            return AlreadyVoted();
        }
        return null;
    }

    private static ProblemHttpResult AlreadyVoted() => Problems.Conflict("vote-already-cast", "You already voted on this amendment.");

    /// <summary>
    /// Closes the vote once its window has ended and applies the result like a steering decision: accepted → the next
    /// version with the amendment applied (<c>CharterVersionPublished</c>); rejected (majority or quorum missed) → recorded.
    /// If another amendment superseded the version meanwhile (ballots were refused from then on), the vote closes without
    /// effect and the amendment is recorded as rejected with outcome <c>version-superseded</c>.
    /// </summary>
    internal static async Task<Results<Ok<AmendmentVoteView>, ProblemHttpResult>> Close(Guid id, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        // An acceptance by vote ends the version like steering's: the charter's lock first (see ChartersApi.LockAsync), then
        // the vote, read once it is held (its charter never changes).
        var charterId = await db.AmendmentVotes.Where(v => v.Id == id).Select(v => (Guid?)v.CharterId).FirstOrDefaultAsync(ct);
        if (charterId is null)
        {
            return Problems.NotFound("amendment vote");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await ChartersApi.LockAsync(db, charterId.Value, ct);
        var vote = await db.AmendmentVotes.FirstAsync(v => v.Id == id, ct);
        if (vote.Status != AmendmentVoteStatus.Open)
        {
            return Problems.Conflict("vote-closed", "The vote is already closed.");
        }
        var now = time.GetUtcNow();
        if (now < vote.ClosesAt)
        {
            return Problems.Conflict("vote-window-open", "The vote window has not ended yet.");
        }
        var amendment = await db.Amendments.FirstAsync(a => a.Id == vote.AmendmentId, ct);
        var tally = await TallyAsync(db, vote, ct);
        vote.Status = AmendmentVoteStatus.Closed;
        vote.ClosedAt = now;
        vote.Accepted = tally.Adopted;
        if (amendment.Status != AmendmentStatus.Pending)
        {
            // Lapsed while the vote was being opened (a vote open when it lapsed was closed with it): no effect.
            vote.Accepted = false;
            vote.Outcome = ChartersApi.LapsedOutcome;
        }
        else if (!await ChartersApi.IsCurrentDraftAsync(db, amendment, ct))
        {
            // The version moved on: the vote is closed without effect, the amendment rejected as superseded.
            vote.Accepted = false;
            vote.Outcome = "version-superseded";
            amendment.Status = AmendmentStatus.Rejected;
            amendment.DecisionReason = "The version was superseded before the vote closed.";
            amendment.DecidedAt = now;
        }
        else if (tally.Adopted)
        {
            await ChartersApi.ApplyAcceptanceAsync(db, amendment, now, ct);
            vote.Outcome = "accepted";
        }
        else
        {
            amendment.Status = AmendmentStatus.Rejected;
            amendment.DecisionReason = tally.QuorumReached
                ? $"Rejected by vote: {tally.Consents} for, {tally.Objections} against, {tally.Abstentions} abstentions."
                : $"Rejected by vote: quorum of {vote.Quorum} not reached ({tally.Cast + tally.Abstentions} ballots).";
            amendment.DecidedAt = now;
            vote.Outcome = tally.QuorumReached ? "rejected" : "quorum-not-reached";
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another decision produced the same next version at the same moment: nothing of this one was written.
            return Problems.Conflict("version-superseded", "The version changed while the vote was being closed; close it again.");
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(View(vote, tally));
    }
}
