using System.Security.Claims;
using Agora.Charter.Consensus;
using Agora.Charter.Data;
using Agora.Charter.Statements;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Votes;

public static class VotesApi
{
    public static IEndpointRouteBuilder MapVotesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/charter/statements/{id:guid}/votes", Cast).RequireAuthorization(Policies.Participant);
        endpoints.MapGet("/api/charter/statements/{id:guid}/votes/mine", History).RequireAuthorization(Policies.Participant);
        endpoints.MapGet("/api/charter/conversations/{conversationId:guid}/next", Next).RequireAuthorization(Policies.Participant);
        return endpoints;
    }

    public sealed record CastVote(string? Value);

    public sealed record VoteView(Guid StatementId, string Value, DateTimeOffset CastAt);

    /// <summary>
    /// Casts a vote through the group commit (<see cref="VoteWriter"/>): no query and no EF Core on the way in; the 201
    /// comes after the vote's transaction committed. Only a refused vote (unknown or closed statement) costs a query, to
    /// say which.
    /// </summary>
    internal static async Task<Results<Created<VoteView>, ValidationProblem, ProblemHttpResult>> Cast(Guid id, CastVote request,
        ClaimsPrincipal user, VoteWriter writer, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (!Vote.TryParse(request.Value, out var value))
        {
            return new FieldErrors().Add("value", "The vote is one of agree, disagree, pass.").ToProblem();
        }
        if (user.ParticipantId() is not { } participant)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only a participant can vote.");
        }
        var castAt = time.GetUtcNow();
        bool stored;
        try
        {
            stored = await writer.StoreAsync(id, participant, value, castAt, ct);
        }
        catch (VoteWriterUnavailableException)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "votes-unavailable", "Votes cannot be stored right now; try again.");
        }
        if (!stored)
        {
            var db = http.RequestServices.GetRequiredService<CharterDbContext>();
            var status = await db.Statements.AsNoTracking().Where(s => s.Id == id).Select(s => (StatementStatus?)s.Status).FirstOrDefaultAsync(ct);
            return status is null
                ? Problems.NotFound("statement")
                : Problems.Conflict("statement-not-open", "This statement is not open for votes.", $"The statement is {Statement.StatusName(status.Value)}.");
        }
        return TypedResults.Created($"/api/charter/statements/{id}/votes/mine", new VoteView(id, Vote.Name(value), castAt));
    }

    /// <summary>The caller's own votes on a statement, oldest first (the last one counts).</summary>
    internal static async Task<Results<Ok<List<VoteView>>, ProblemHttpResult>> History(Guid id, ClaimsPrincipal user, CharterDbContext db, CancellationToken ct)
    {
        var me = user.ParticipantId();
        if (!await db.Statements.AnyAsync(s => s.Id == id, ct))
        {
            return Problems.NotFound("statement");
        }
        var votes = await db.Votes.AsNoTracking().Where(v => v.StatementId == id && v.ParticipantId == me).OrderBy(v => v.Id)
            .Select(v => new { v.Value, v.CastAt }).ToListAsync(ct);
        return TypedResults.Ok(votes.ConvertAll(v => new VoteView(id, Vote.Name(v.Value), v.CastAt)));
    }

    /// <summary>
    /// The next statement to show the caller (Pol.is's priority rule), never one they voted on or wrote, or 204 when none is
    /// left. A statement's author has voted on it (their agree is stored with it); the author check still covers steering's
    /// seeds, which carry no vote, and statements written before the author's vote was stored.
    /// </summary>
    internal static async Task<Results<Ok<StatementsApi.StatementView>, NoContent, ProblemHttpResult>> Next(Guid conversationId,
        ClaimsPrincipal user, CharterDbContext db, CancellationToken ct)
    {
        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId, ct))
        {
            return Problems.NotFound("conversation");
        }
        var me = user.ParticipantId();
        var voted = db.Votes.Where(v => v.ParticipantId == me && v.ConversationId == conversationId).Select(v => v.StatementId);
        var candidates = await db.Statements.AsNoTracking()
            .Where(s => s.ConversationId == conversationId && s.Status == StatementStatus.Accepted && !voted.Contains(s.Id) && s.AuthorId != me)
            .ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return TypedResults.NoContent();
        }
        var stats = await AnalysisStore.StatementCountsAsync(db, conversationId, ct);
        var weighted = candidates.ConvertAll(s =>
        {
            var c = stats.GetValueOrDefault(s.Id);
            return (s, StatementPriority.Priority(c.Agree, c.Pass, c.Seen, c.Extremity));
        });
        var pick = StatementPriority.Pick(weighted, Random.Shared)!;
        return TypedResults.Ok(StatementsApi.StatementView.Of(pick));
    }
}
