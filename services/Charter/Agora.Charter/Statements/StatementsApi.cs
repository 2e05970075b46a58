using System.Security.Claims;
using Agora.Charter.Data;
using Agora.Charter.Votes;
using Agora.Contracts.Charter;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Statements;

public static class StatementsApi
{
    public static IEndpointRouteBuilder MapStatementsApi(this IEndpointRouteBuilder endpoints)
    {
        var conversations = endpoints.MapGroup("/api/charter/conversations");
        conversations.MapGet("/", ListConversations).RequireAuthorization(Policies.Participant);
        conversations.MapGet("/{conversationId:guid}/statements", List).RequireAuthorization(Policies.Participant);
        conversations.MapPost("/{conversationId:guid}/statements", Create).RequireAuthorization(Policies.Participant);

        var statements = endpoints.MapGroup("/api/charter/statements");
        statements.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.Participant);
        statements.MapPost("/{id:guid}/accept", Accept).RequireAuthorization(Policies.Steering);
        statements.MapPost("/{id:guid}/reject", Reject).RequireAuthorization(Policies.Steering);
        statements.MapPost("/{id:guid}/merge", Merge).RequireAuthorization(Policies.Steering);
        statements.MapPut("/{id:guid}/translations/{language}", Translate).RequireAuthorization(Policies.Participant);
        return endpoints;
    }

    public sealed record CreateStatement(string? Text, string? Language, string? Theme);

    public sealed record RejectStatement(string? Reason);

    public sealed record MergeStatement(Guid? Into);

    public sealed record Translation(string? Text);

    public sealed record StatementView(Guid Id, Guid ConversationId, string Theme, string Language, string Text,
        IReadOnlyDictionary<string, string?> Texts, string Status, string? RejectionReason, Guid? MergedInto,
        IReadOnlyList<Guid> ContributionIds, IReadOnlyList<Guid> WorkshopIds, string? ExternalKey, DateTimeOffset CreatedAt,
        int? TruncatedFrom)
    {
        public static StatementView Of(Statement s) => new(s.Id, s.ConversationId, s.Theme, s.Language, s.Text,
            new Dictionary<string, string?> { ["ar"] = s.TextAr, ["fr"] = s.TextFr, ["en"] = s.TextEn },
            Statement.StatusName(s.Status), s.RejectionReason, s.MergedIntoId, s.ContributionIds, s.WorkshopIds, s.ExternalKey, s.CreatedAt,
            s.TruncatedFrom);
    }

    public sealed record ConversationView(Guid Id, string Title, string Source, DateTimeOffset CreatedAt);

    internal static async Task<Ok<List<ConversationView>>> ListConversations(CharterDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Conversations.AsNoTracking().OrderBy(c => c.CreatedAt)
            .Select(c => new ConversationView(c.Id, c.Title, c.Source, c.CreatedAt)).ToListAsync(ct));

    internal static async Task<Results<Ok<List<StatementView>>, ProblemHttpResult>> List(Guid conversationId, string? status,
        ClaimsPrincipal user, CharterDbContext db, CancellationToken ct)
    {
        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId, ct))
        {
            return Problems.NotFound("conversation");
        }
        var query = db.Statements.AsNoTracking().Where(s => s.ConversationId == conversationId);
        if (!user.IsSteering())
        {
            // Participants see what is open for votes, and their own statements.
            var me = user.ParticipantId();
            query = query.Where(s => s.Status == StatementStatus.Accepted || s.AuthorId == me);
        }
        if (status is not null)
        {
            if (!EnumNames.TryParse<StatementStatus>(status, out var st))
            {
                return Problems.Of(StatusCodes.Status400BadRequest, "invalid-status", "Unknown statement status.", "One of pending, accepted, rejected, merged.");
            }
            query = query.Where(s => s.Status == st);
        }
        var list = await query.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToListAsync(ct);
        return TypedResults.Ok(list.ConvertAll(StatementView.Of));
    }

    internal static async Task<Results<Created<StatementView>, ValidationProblem, ProblemHttpResult>> Create(Guid conversationId,
        CreateStatement request, ClaimsPrincipal user, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var text = Statement.ValidateText(request.Text, "text", errors);
        Statement.ValidateLanguage(request.Language, "language", errors);
        var theme = request.Theme?.Trim() ?? "";
        if (theme.Length is 0 or > 200)
        {
            errors.Add("theme", "The theme is required (at most 200 characters).");
        }
        else if (FreeText.HasControlCharacters(theme))
        {
            errors.Add("theme", FreeText.ControlCharactersError);
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId, ct))
        {
            return Problems.NotFound("conversation");
        }
        var now = time.GetUtcNow();
        var author = user.ParticipantId();
        var statement = Statement.Create(conversationId, theme, request.Language!, text, author, now);
        db.Statements.Add(statement);
        // As Pol.is stores its author's agree with a new comment: the author's position counts in the analysis from the start
        // (a pending statement is in the matrix, unmoderated), and it is their vote like any other (they may change it once
        // the statement is open). Steering's statements are seeds, which in Pol.is carry no vote of their author.
        if (author is { } voter && !user.IsSteering())
        {
            db.Votes.Add(new Vote { ConversationId = conversationId, StatementId = statement.Id, ParticipantId = voter, Value = 1, CastAt = now });
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await Conversation.BumpRevisionAsync(db, conversationId, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/charter/statements/{statement.Id}", StatementView.Of(statement));
    }

    internal static async Task<Results<Ok<StatementView>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal user, CharterDbContext db, CancellationToken ct)
    {
        var s = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (s is null || (s.Status != StatementStatus.Accepted && !user.IsSteering() && s.AuthorId != user.ParticipantId()))
        {
            return Problems.NotFound("statement");
        }
        return TypedResults.Ok(StatementView.Of(s));
    }

    /// <summary>
    /// The statements, their rows locked (<c>FOR NO KEY UPDATE</c>, in id order) until the caller's transaction ends: of two
    /// moderations of one statement at once (a double submit), the second waits for the first to commit, then sees its
    /// outcome — not two acceptances, each publishing <see cref="StatementAccepted"/> (each author notified twice).
    /// <c>NO KEY</c>: votes being stored hold a key-share lock on their statement (their foreign key), which a plain
    /// <c>FOR UPDATE</c> would wait for and block, and a merge could deadlock with a batch of votes.
    /// Their conversations' rows are locked first, the order of every charter transaction that writes both (the caller bumps
    /// the revision; an erasure, <see cref="Constituencies.ParticipantErasedConsumer"/>, locks the conversations then the
    /// statements): statements first and the conversation after would deadlock with an erasure of their author.
    /// </summary>
    private static async Task<List<Statement>> LockedAsync(CharterDbContext db, Guid[] ids, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"""
            SELECT 1 FROM conversations WHERE id IN (SELECT conversation_id FROM statements WHERE id = ANY({ids}))
            ORDER BY id FOR NO KEY UPDATE
            """, ct);
        return await db.Statements.FromSql($"SELECT * FROM statements WHERE id = ANY({ids}) ORDER BY id FOR NO KEY UPDATE").ToListAsync(ct);
    }

    internal static async Task<Results<Ok<StatementView>, ProblemHttpResult>> Accept(Guid id, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var s = (await LockedAsync(db, [id], ct)).SingleOrDefault();
        if (s is null)
        {
            return Problems.NotFound("statement");
        }
        var now = time.GetUtcNow();
        if (s.Accept(now) is { } error)
        {
            return Problems.Conflict(error, "The statement was already moderated.");
        }
        await Conversation.BumpRevisionAsync(db, s.ConversationId, ct);
        db.AddEvent(new StatementAccepted(s.Id, s.Theme, s.SourceContributionId, s.AuthorId, now), now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(StatementView.Of(s));
    }

    internal static async Task<Results<Ok<StatementView>, ValidationProblem, ProblemHttpResult>> Reject(Guid id, RejectStatement request,
        CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > 1000)
        {
            return new FieldErrors().Add("reason", "A reason is required (at most 1000 characters).").ToProblem();
        }
        if (FreeText.HasControlCharacters(reason, allowLineBreaks: true))
        {
            return new FieldErrors().Add("reason", FreeText.ControlCharactersInTextError).ToProblem();
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var s = (await LockedAsync(db, [id], ct)).SingleOrDefault();
        if (s is null)
        {
            return Problems.NotFound("statement");
        }
        if (s.Reject(reason, time.GetUtcNow()) is { } error)
        {
            return Problems.Conflict(error, "The statement was already rejected or merged.");
        }
        await Conversation.BumpRevisionAsync(db, s.ConversationId, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(StatementView.Of(s));
    }

    internal static async Task<Results<Ok<StatementView>, ValidationProblem, ProblemHttpResult>> Merge(Guid id, MergeStatement request,
        CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (request.Into is not { } into)
        {
            return new FieldErrors().Add("into", "The statement to merge into is required.").ToProblem();
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var locked = await LockedAsync(db, [id, into], ct);
        var s = locked.Find(s => s.Id == id);
        var target = locked.Find(s => s.Id == into);
        if (s is null || target is null)
        {
            return Problems.NotFound("statement");
        }
        if (s.MergeInto(target, time.GetUtcNow()) is { } error)
        {
            return Problems.Conflict(error, "These statements cannot be merged.");
        }
        await Conversation.BumpRevisionAsync(db, s.ConversationId, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(StatementView.Of(s));
    }

    internal static async Task<Results<Ok<StatementView>, ValidationProblem, ProblemHttpResult>> Translate(Guid id, string language, Translation request,
        ClaimsPrincipal user, CharterDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Statement.ValidateLanguage(language, "language", errors);
        var text = Statement.ValidateText(request.Text, "text", errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var s = await db.Statements.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (s is null)
        {
            return Problems.NotFound("statement");
        }
        // Steering translates any statement; an author only their own, before moderation.
        if (!user.IsSteering() && (s.AuthorId != user.ParticipantId() || s.Status != StatementStatus.Pending))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only steering or the statement's author (before moderation) can translate it.");
        }
        s.SetTranslation(language, text);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(StatementView.Of(s));
    }
}
