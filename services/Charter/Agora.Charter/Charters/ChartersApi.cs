using System.Security.Claims;
using Agora.Charter.Consensus;
using Agora.Charter.Data;
using Agora.Charter.Statements;
using Agora.Contracts.Charter;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Charters;

public static class ChartersApi
{
    public static IEndpointRouteBuilder MapChartersApi(this IEndpointRouteBuilder endpoints)
    {
        var charters = endpoints.MapGroup("/api/charter/charters");
        charters.MapPost("/", Draft).RequireAuthorization(Policies.Steering);
        charters.MapGet("/{id:guid}", GetCurrent).RequireAuthorization(Policies.Participant);
        charters.MapGet("/{id:guid}/versions/{number:int}", GetVersion).RequireAuthorization(Policies.Participant);
        charters.MapPost("/{id:guid}/versions/{number:int}/finalize", MakeFinal).RequireAuthorization(Policies.Steering);
        charters.MapGet("/{id:guid}/articles/{articleId:guid}/trace", Trace).RequireAuthorization(Policies.Participant);
        charters.MapPost("/{id:guid}/versions/{number:int}/amendments", Propose).RequireAuthorization(Policies.Participant);
        charters.MapPut("/{id:guid}/versions/{number:int}/articles/{articleId:guid}/translations/{language}", TranslateArticle).RequireAuthorization(Policies.Steering);

        var amendments = endpoints.MapGroup("/api/charter/amendments");
        amendments.MapGet("/{id:guid}", GetAmendment).RequireAuthorization(Policies.Participant);
        amendments.MapPut("/{id:guid}", Revise).RequireAuthorization(Policies.Participant);
        amendments.MapPost("/{id:guid}/accept", AcceptAmendment).RequireAuthorization(Policies.Steering);
        amendments.MapPost("/{id:guid}/reject", RejectAmendment).RequireAuthorization(Policies.Steering);
        return endpoints;
    }

    public sealed record DraftCharter(string? Title, Guid? ConversationId);

    /// <param name="Text">In the requested language, with the fallback chain (see <see cref="ArticleLanguage"/>); never empty.</param>
    /// <param name="Language">The language of <paramref name="Text"/>; null when it is the untranslated original.</param>
    /// <param name="Texts">Every translation (null where missing).</param>
    public sealed record ArticleView(Guid Id, Guid LineageId, int Number, string Theme, string Text, IReadOnlyList<Guid> StatementIds,
        string? Language, IReadOnlyDictionary<string, string?> Texts);

    public sealed record ArticleTranslation(string? Text);

    public sealed record VersionView(Guid CharterId, string Title, int Number, string Status, bool Current, Guid? FromAmendmentId,
        DateTimeOffset CreatedAt, IReadOnlyList<ArticleView> Articles);

    public sealed record ProposeAmendment(Guid? ArticleId, string? Text, string? Rationale);

    public sealed record ReviseAmendment(string? Text, string? Rationale);

    public sealed record Decision(string? Reason);

    public sealed record AmendmentView(Guid Id, Guid CharterId, int VersionNumber, Guid ArticleId, string ProposedText, string? Rationale,
        string Status, string? DecisionReason, int? ResultingVersion, IReadOnlyList<string> Diff, DateTimeOffset CreatedAt);

    public sealed record TracedStatement(Guid Id, string Text, IReadOnlyList<Guid> ContributionIds, IReadOnlyList<Guid> WorkshopIds);

    public sealed record TraceView(Guid ArticleId, int Number, string Theme, IReadOnlyList<TracedStatement> Statements,
        IReadOnlyList<Guid> ContributionIds, IReadOnlyList<Guid> WorkshopIds);

    internal static async Task<Results<Created<VersionView>, ValidationProblem, ProblemHttpResult>> Draft(DraftCharter request,
        HttpRequest http, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        var title = request.Title?.Trim() ?? "";
        if (title.Length is 0 or > 200)
        {
            return new FieldErrors().Add("title", "The title is required (at most 200 characters).").ToProblem();
        }
        if (FreeText.HasControlCharacters(title))
        {
            return new FieldErrors().Add("title", FreeText.ControlCharactersError).ToProblem();
        }
        var conversationId = request.ConversationId ?? Conversation.MainId;
        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId, ct))
        {
            return Problems.NotFound("conversation");
        }
        var analysis = await AnalysisStore.LatestAsync(db, conversationId, ct);
        if (analysis is null || analysis.CommonMinimum.Statements.Count == 0)
        {
            return Problems.Conflict("no-common-minimum", "There is no common minimum to draft a charter from yet.");
        }
        var ids = analysis.CommonMinimum.Statements.ToList();
        var statements = await db.Statements.AsNoTracking()
            .Where(s => ids.Contains(s.Id) && s.Status == StatementStatus.Accepted).ToListAsync(ct);
        if (statements.Count == 0)
        {
            return Problems.Conflict("no-common-minimum", "There is no common minimum to draft a charter from yet.");
        }
        var now = time.GetUtcNow();
        var charter = new CharterDocument { Id = Guid.CreateVersion7(now), Title = title, ConversationId = conversationId, CurrentVersion = 1, CreatedAt = now };
        var version = new CharterVersion { Id = Guid.CreateVersion7(now), CharterId = charter.Id, Number = 1, Status = VersionStatus.Draft, CreatedAt = now };
        var rank = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var articles = statements.GroupBy(s => s.Theme).OrderBy(g => g.Key, StringComparer.Ordinal).Select((g, i) =>
        {
            var ordered = g.OrderBy(s => rank[s.Id]).ToList();
            return new Article
            {
                Id = Guid.CreateVersion7(now),
                LineageId = Guid.CreateVersion7(now),
                VersionId = version.Id,
                Number = i + 1,
                Theme = g.Key,
                Text = string.Join('\n', ordered.Select(s => s.Text)),
                TextAr = ArticleLanguage.Assemble(ordered, "ar"),
                TextFr = ArticleLanguage.Assemble(ordered, "fr"),
                TextEn = ArticleLanguage.Assemble(ordered, "en"),
                StatementIds = [.. ordered.Select(s => s.Id)],
            };
        }).ToList();
        db.Charters.Add(charter);
        db.CharterVersions.Add(version);
        db.Articles.AddRange(articles);
        db.AddEvent(new CharterVersionPublished(charter.Id, 1, articles.Count, now), now);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/charter/charters/{charter.Id}/versions/1", View(charter, version, articles, ArticleLanguage.Preferences(http)));
    }

    private static VersionView View(CharterDocument c, CharterVersion v, IEnumerable<Article> articles, IReadOnlyList<string> languages) =>
        new(c.Id, c.Title, v.Number, v.Status.ToString().ToLowerInvariant(), v.Number == c.CurrentVersion, v.FromAmendmentId, v.CreatedAt,
            [.. articles.OrderBy(a => a.Number).Select(a => ArticleOf(a, languages))]);

    private static ArticleView ArticleOf(Article a, IReadOnlyList<string> languages)
    {
        var (text, language) = ArticleLanguage.Pick(a, languages);
        return new ArticleView(a.Id, a.LineageId, a.Number, a.Theme, text, a.StatementIds, language,
            new Dictionary<string, string?> { ["ar"] = a.TextAr, ["fr"] = a.TextFr, ["en"] = a.TextEn });
    }

    internal static async Task<Results<Ok<VersionView>, ProblemHttpResult>> GetCurrent(Guid id, HttpRequest http, CharterDbContext db, CancellationToken ct)
    {
        var charter = await db.Charters.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return charter is null ? Problems.NotFound("charter") : await GetVersion(id, charter.CurrentVersion, http, db, ct);
    }

    internal static async Task<Results<Ok<VersionView>, ProblemHttpResult>> GetVersion(Guid id, int number, HttpRequest http, CharterDbContext db, CancellationToken ct)
    {
        var charter = await db.Charters.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        var version = await db.CharterVersions.AsNoTracking().FirstOrDefaultAsync(v => v.CharterId == id && v.Number == number, ct);
        if (charter is null || version is null)
        {
            return Problems.NotFound("charter version");
        }
        var articles = await db.Articles.AsNoTracking().Where(a => a.VersionId == version.Id).ToListAsync(ct);
        return TypedResults.Ok(View(charter, version, articles, ArticleLanguage.Preferences(http)));
    }

    internal static async Task<Results<Ok<VersionView>, ProblemHttpResult>> MakeFinal(Guid id, int number, HttpRequest http, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var charter = await LockAsync(db, id, ct);
        var version = charter is null ? null : await db.CharterVersions.FirstOrDefaultAsync(v => v.CharterId == id && v.Number == number, ct);
        if (charter is null || version is null)
        {
            return Problems.NotFound("charter version");
        }
        if (version.Status != VersionStatus.Draft)
        {
            return Problems.Conflict("version-not-draft", "Only the current draft can be made final.");
        }
        version.Status = VersionStatus.Final;
        await LapsePendingAsync(db, id, number, null, $"Version {number} was made final before the amendment was decided.", time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(View(charter, version, await db.Articles.AsNoTracking().Where(a => a.VersionId == version.Id).ToListAsync(ct),
            ArticleLanguage.Preferences(http)));
    }

    internal static async Task<Results<Ok<TraceView>, ProblemHttpResult>> Trace(Guid id, Guid articleId, CharterDbContext db, CancellationToken ct)
    {
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == articleId, ct);
        if (article is null || !await db.CharterVersions.AnyAsync(v => v.Id == article.VersionId && v.CharterId == id, ct))
        {
            return Problems.NotFound("article");
        }
        var statements = await db.Statements.AsNoTracking().Where(s => article.StatementIds.Contains(s.Id)).ToListAsync(ct);
        var traced = statements.ConvertAll(s => new TracedStatement(s.Id, s.Text, s.ContributionIds, s.WorkshopIds));
        return TypedResults.Ok(new TraceView(article.Id, article.Number, article.Theme, traced,
            [.. traced.SelectMany(s => s.ContributionIds).Distinct()], [.. traced.SelectMany(s => s.WorkshopIds).Distinct()]));
    }

    /// <summary>Steering writes (or corrects) an article's text in one language, on the current draft only.</summary>
    internal static async Task<Results<Ok<ArticleView>, ValidationProblem, ProblemHttpResult>> TranslateArticle(Guid id, int number, Guid articleId,
        string language, ArticleTranslation request, HttpRequest http, CharterDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Statement.ValidateLanguage(language, "language", errors);
        var text = request.Text?.Trim() ?? "";
        if (text.Length is 0 or > 5000)
        {
            errors.Add("text", "The text is required (at most 5000 characters).");
        }
        else if (FreeText.HasControlCharacters(text, allowLineBreaks: true))
        {
            errors.Add("text", FreeText.ControlCharactersInTextError);
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        // Under the charter's row (shared: translations do not wait on each other), so a finalize or an acceptance running
        // now is waited for and its version's end seen, instead of the translation landing on a version just closed.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockSharedAsync(db, id, ct);
        var version = await db.CharterVersions.AsNoTracking().FirstOrDefaultAsync(v => v.CharterId == id && v.Number == number, ct);
        var article = version is null ? null : await db.Articles.FirstOrDefaultAsync(a => a.Id == articleId && a.VersionId == version.Id, ct);
        if (version is null || article is null)
        {
            return Problems.NotFound("article");
        }
        if (version.Status != VersionStatus.Draft)
        {
            return Problems.Conflict(version.Status == VersionStatus.Superseded ? "version-superseded" : "version-closed",
                "Only the current draft's articles can be translated.");
        }
        article.SetTranslation(language, text);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(ArticleOf(article, ArticleLanguage.Preferences(http)));
    }

    internal static async Task<Results<Created<AmendmentView>, ValidationProblem, ProblemHttpResult>> Propose(Guid id, int number,
        ProposeAmendment request, ClaimsPrincipal user, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var text = request.Text?.Trim() ?? "";
        if (text.Length is 0 or > 5000)
        {
            errors.Add("text", "The proposed text is required (at most 5000 characters).");
        }
        else if (FreeText.HasControlCharacters(text, allowLineBreaks: true))
        {
            errors.Add("text", FreeText.ControlCharactersInTextError);
        }
        if (request.ArticleId is null)
        {
            errors.Add("articleId", "The article is required.");
        }
        var rationale = CheckRationale(request.Rationale, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        // Checked and written under the charter's lock: a finalize or an acceptance at the same moment either committed
        // before (this answers its 409) or waits for this amendment and lapses it.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var charter = await LockAsync(db, id, ct);
        var version = charter is null ? null : await db.CharterVersions.AsNoTracking().FirstOrDefaultAsync(v => v.CharterId == id && v.Number == number, ct);
        if (charter is null || version is null)
        {
            return Problems.NotFound("charter version");
        }
        if (version.Status == VersionStatus.Superseded || number != charter.CurrentVersion)
        {
            return Problems.Conflict("version-superseded", "This version was superseded; amend the current version.",
                $"The current version is {charter.CurrentVersion}.");
        }
        if (version.Status != VersionStatus.Draft)
        {
            return Problems.Conflict("version-closed", "This version is final and no longer open to amendments.");
        }
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == request.ArticleId && a.VersionId == version.Id, ct);
        if (article is null)
        {
            return Problems.NotFound("article");
        }
        var now = time.GetUtcNow();
        var amendment = new Amendment
        {
            Id = Guid.CreateVersion7(now),
            CharterId = id,
            VersionNumber = number,
            ArticleId = article.Id,
            AuthorId = user.ParticipantId() ?? Guid.Empty,
            ProposedText = text,
            Rationale = rationale,
            Status = AmendmentStatus.Pending,
            CreatedAt = now,
        };
        db.Amendments.Add(amendment);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/charter/amendments/{amendment.Id}", AmendmentOf(amendment, article.Text));
    }

    /// <summary>The rationale, optional, trimmed; capped like the proposed text.</summary>
    private static string? CheckRationale(string? rationale, FieldErrors errors)
    {
        var trimmed = rationale?.Trim();
        if (trimmed is { Length: > 5000 })
        {
            errors.Add("rationale", "The rationale is at most 5000 characters.");
        }
        else if (trimmed is not null && FreeText.HasControlCharacters(trimmed, allowLineBreaks: true))
        {
            errors.Add("rationale", FreeText.ControlCharactersInTextError);
        }
        return trimmed;
    }

    internal static AmendmentView AmendmentOf(Amendment a, string original) => new(a.Id, a.CharterId, a.VersionNumber, a.ArticleId, a.ProposedText,
        a.Rationale, a.Status.ToString().ToLowerInvariant(), a.DecisionReason, a.ResultingVersion, LineDiff.Compute(original, a.ProposedText), a.CreatedAt);

    internal static async Task<Results<Ok<AmendmentView>, ProblemHttpResult>> GetAmendment(Guid id, CharterDbContext db, CancellationToken ct)
    {
        var a = await db.Amendments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (a is null)
        {
            return Problems.NotFound("amendment");
        }
        var original = await db.Articles.Where(x => x.Id == a.ArticleId).Select(x => x.Text).FirstAsync(ct);
        return TypedResults.Ok(AmendmentOf(a, original));
    }

    internal static async Task<Results<Ok<AmendmentView>, ValidationProblem, ProblemHttpResult>> Revise(Guid id, ReviseAmendment request,
        ClaimsPrincipal user, CharterDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var text = request.Text?.Trim() ?? "";
        if (text.Length is 0 or > 5000)
        {
            errors.Add("text", "The proposed text is required (at most 5000 characters).");
        }
        else if (FreeText.HasControlCharacters(text, allowLineBreaks: true))
        {
            errors.Add("text", FreeText.ControlCharactersInTextError);
        }
        var rationale = CheckRationale(request.Rationale, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var a = await LockedAmendmentAsync(db, id, ct);
        if (a is null)
        {
            return Problems.NotFound("amendment");
        }
        if (a.AuthorId != user.ParticipantId())
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only the author can change an amendment.");
        }
        if (a.Status != AmendmentStatus.Pending)
        {
            return NotPending(a);
        }
        if (await AmendmentVotesApi.IsUnderVoteAsync(db, a.Id, ct))
        {
            return Problems.Conflict("amendment-under-vote", "The amendment is being voted on; its text can no longer change.");
        }
        // As when proposing: only an amendment against the current draft changes (another could never be accepted).
        var current = await db.Charters.Where(c => c.Id == a.CharterId).Select(c => c.CurrentVersion).FirstAsync(ct);
        if (a.VersionNumber != current)
        {
            return Problems.Conflict("version-superseded", "This amendment's version was superseded; amend the current version.",
                $"The current version is {current}.");
        }
        if (!await IsCurrentDraftAsync(db, a, ct))
        {
            return Problems.Conflict("version-closed", "This version is final and no longer open to amendments.");
        }
        a.ProposedText = text;
        a.Rationale = rationale ?? a.Rationale;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var original = await db.Articles.Where(x => x.Id == a.ArticleId).Select(x => x.Text).FirstAsync(ct);
        return TypedResults.Ok(AmendmentOf(a, original));
    }

    /// <summary>Accepting an amendment produces the next version (the old one is superseded) and publishes it.</summary>
    internal static async Task<Results<Ok<AmendmentView>, ProblemHttpResult>> AcceptAmendment(Guid id, CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var a = await LockedAmendmentAsync(db, id, ct);
        if (a is null)
        {
            return Problems.NotFound("amendment");
        }
        if (a.Status != AmendmentStatus.Pending)
        {
            return NotPending(a);
        }
        if (await AmendmentVotesApi.IsUnderVoteAsync(db, a.Id, ct))
        {
            return Problems.Conflict("amendment-under-vote", "A vote decides this amendment.");
        }
        if (!await IsCurrentDraftAsync(db, a, ct))
        {
            return Problems.Conflict("version-superseded", "The amendment is against a version that is no longer the current draft.");
        }
        var original = await ApplyAcceptanceAsync(db, a, time.GetUtcNow(), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another acceptance produced the same next version at the same moment: nothing of this one was written.
            return Problems.Conflict("version-superseded", "The version changed while the amendment was being accepted; it is no longer the current draft.");
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(AmendmentOf(a, original));
    }

    /// <summary>
    /// Locks the charter's row (<c>FOR UPDATE</c>, or <c>FOR SHARE</c> for a cast on an amendment vote, which changes no
    /// version) until the caller's transaction ends, and returns it (tracked); null when there is none. Every operation that
    /// ends a version (finalize, an acceptance by steering or by vote) or depends on it staying the current draft (propose,
    /// revise, reject, open a vote, cast on one) takes it first, before reading the version, the amendment or the vote it
    /// checks: the end of a version and the lapse it causes are then seen whole or not at all, and nothing waits on another
    /// row of the charter in the opposite order (see the README's "Locks").
    /// </summary>
    internal static Task<CharterDocument?> LockAsync(CharterDbContext db, Guid charterId, CancellationToken ct) =>
        db.Charters.FromSql($"SELECT * FROM charters WHERE id = {charterId} FOR UPDATE").FirstOrDefaultAsync(ct);

    /// <inheritdoc cref="LockAsync"/>
    internal static Task LockSharedAsync(CharterDbContext db, Guid charterId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT 1 FROM charters WHERE id = {charterId} FOR SHARE", ct);

    /// <summary>The amendment (tracked), read once its charter's row is locked (<see cref="LockAsync"/>); null when unknown.</summary>
    internal static async Task<Amendment?> LockedAmendmentAsync(CharterDbContext db, Guid id, CancellationToken ct)
    {
        // The charter id never changes: read before the lock, the amendment itself after it.
        var charterId = await db.Amendments.Where(a => a.Id == id).Select(a => (Guid?)a.CharterId).FirstOrDefaultAsync(ct);
        if (charterId is null || await LockAsync(db, charterId.Value, ct) is null)
        {
            return null;
        }
        return await db.Amendments.FirstAsync(a => a.Id == id, ct);
    }

    /// <summary>Whether the amendment's version is still the charter's current draft (the only one an amendment can change).</summary>
    internal static async Task<bool> IsCurrentDraftAsync(CharterDbContext db, Amendment a, CancellationToken ct) =>
        await db.Charters.AnyAsync(c => c.Id == a.CharterId && c.CurrentVersion == a.VersionNumber, ct)
        && await db.CharterVersions.AnyAsync(v => v.CharterId == a.CharterId && v.Number == a.VersionNumber && v.Status == VersionStatus.Draft, ct);

    /// <summary>
    /// Applies an accepted amendment (the caller checked it is pending against the current draft): the next version with
    /// the amended article, the old version superseded, <c>CharterVersionPublished</c> in the outbox. Nothing is saved
    /// here. Returns the article's text before the amendment.
    /// </summary>
    internal static async Task<string> ApplyAcceptanceAsync(CharterDbContext db, Amendment a, DateTimeOffset now, CancellationToken ct)
    {
        var charter = await db.Charters.FirstAsync(c => c.Id == a.CharterId, ct);
        var old = await db.CharterVersions.FirstAsync(v => v.CharterId == a.CharterId && v.Number == a.VersionNumber, ct);
        var next = new CharterVersion
        {
            Id = Guid.CreateVersion7(now),
            CharterId = charter.Id,
            Number = old.Number + 1,
            Status = VersionStatus.Draft,
            FromAmendmentId = a.Id,
            CreatedAt = now,
        };
        var articles = await db.Articles.AsNoTracking().Where(x => x.VersionId == old.Id).ToListAsync(ct);
        foreach (var art in articles)
        {
            db.Articles.Add(new Article
            {
                Id = Guid.CreateVersion7(now),
                VersionId = next.Id,
                LineageId = art.LineageId,
                Number = art.Number,
                Theme = art.Theme,
                Text = art.Id == a.ArticleId ? a.ProposedText : art.Text,
                // The amended article's translations no longer match its text: steering fills them again.
                TextAr = art.Id == a.ArticleId ? null : art.TextAr,
                TextFr = art.Id == a.ArticleId ? null : art.TextFr,
                TextEn = art.Id == a.ArticleId ? null : art.TextEn,
                StatementIds = art.StatementIds,
            });
        }
        old.Status = VersionStatus.Superseded;
        await LapsePendingAsync(db, charter.Id, old.Number, a.Id,
            $"Version {old.Number} was superseded by version {next.Number} before the amendment was decided.", now, ct);
        charter.CurrentVersion = next.Number;
        a.Status = AmendmentStatus.Accepted;
        a.ResultingVersion = next.Number;
        a.DecidedAt = now;
        db.CharterVersions.Add(next);
        db.AddEvent(new CharterVersionPublished(charter.Id, next.Number, articles.Count, now), now);
        return articles.First(x => x.Id == a.ArticleId).Text;
    }

    /// <summary>
    /// A version made final or superseded takes no more decisions: every amendment still pending against it (or an earlier
    /// version) lapses, and a vote still open on one is closed without effect (outcome <c>lapsed</c>), in the caller's
    /// transaction (nothing is saved here). Amendments publish no event, so none is written.
    /// </summary>
    internal static async Task LapsePendingAsync(CharterDbContext db, Guid charterId, int upToVersion, Guid? except, string reason,
        DateTimeOffset now, CancellationToken ct)
    {
        var pending = await db.Amendments
            .Where(x => x.CharterId == charterId && x.VersionNumber <= upToVersion && x.Status == AmendmentStatus.Pending && x.Id != except)
            .ToListAsync(ct);
        if (pending.Count == 0)
        {
            return;
        }
        foreach (var x in pending)
        {
            x.Status = AmendmentStatus.Lapsed;
            x.DecisionReason = reason;
            x.DecidedAt = now;
        }
        var ids = pending.ConvertAll(x => x.Id);
        foreach (var vote in await db.AmendmentVotes.Where(v => ids.Contains(v.AmendmentId) && v.Status == AmendmentVoteStatus.Open).ToListAsync(ct))
        {
            vote.Status = AmendmentVoteStatus.Closed;
            vote.ClosedAt = now;
            vote.Accepted = false;
            vote.Outcome = LapsedOutcome;
        }
    }

    /// <summary>The outcome of a vote closed because its amendment lapsed.</summary>
    internal const string LapsedOutcome = "lapsed";

    /// <summary>409 for an amendment that is no longer pending: <c>amendment-lapsed</c> (with why) or <c>amendment-decided</c>.</summary>
    internal static ProblemHttpResult NotPending(Amendment a) => a.Status == AmendmentStatus.Lapsed
        ? Problems.Conflict("amendment-lapsed", "The amendment lapsed: its version was made final or superseded before it was decided.", a.DecisionReason)
        : Problems.Conflict("amendment-decided", "The amendment was already decided.");

    internal static async Task<Results<Ok<AmendmentView>, ValidationProblem, ProblemHttpResult>> RejectAmendment(Guid id, Decision request,
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
        var a = await LockedAmendmentAsync(db, id, ct);
        if (a is null)
        {
            return Problems.NotFound("amendment");
        }
        if (a.Status != AmendmentStatus.Pending)
        {
            return NotPending(a);
        }
        if (await AmendmentVotesApi.IsUnderVoteAsync(db, a.Id, ct))
        {
            return Problems.Conflict("amendment-under-vote", "A vote decides this amendment.");
        }
        a.Status = AmendmentStatus.Rejected;
        a.DecisionReason = reason;
        a.DecidedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var original = await db.Articles.Where(x => x.Id == a.ArticleId).Select(x => x.Text).FirstAsync(ct);
        return TypedResults.Ok(AmendmentOf(a, original));
    }
}
