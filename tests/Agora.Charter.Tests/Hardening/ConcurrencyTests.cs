using System.Net;
using System.Net.Http.Json;
using Agora.Charter.Adoption;
using Agora.Charter.Charters;
using Agora.Charter.Data;
using Agora.Charter.Plan;
using Agora.Charter.Statements;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Agora.Charter.Tests.Hardening;

/// <summary>
/// Two requests that race for the same thing: exactly one wins, the other gets a 409, and what the winner wrote (rows,
/// outbox events) is there once. The factory's <see cref="SaveGate"/> makes both pass their checks before either writes.
/// </summary>
public sealed class ConcurrencyTests(FakeClockCharterFactory factory) : IClassFixture<FakeClockCharterFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private static async Task<(HttpResponseMessage Won, HttpResponseMessage Lost)> OneWinsAsync(HttpStatusCode success, params Task<HttpResponseMessage>[] requests)
    {
        var responses = await Task.WhenAll(requests);
        var codes = string.Join(", ", responses.Select(r => r.StatusCode));
        var won = responses.Where(r => r.StatusCode == success).ToList();
        Assert.True(won.Count == 1, $"Expected exactly one {success}, got {codes}");
        return (won[0], responses.Single(r => r != won[0]));
    }

    [Fact]
    public async Task Two_acceptances_on_the_same_draft_make_one_next_version_and_a_409()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var author = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        var amendments = new List<Guid>();
        foreach (var text in new[] { "Première version.", "Seconde version." })
        {
            amendments.Add((await (await author.PostAsJsonAsync($"/api/charter/charters/{charter}/versions/1/amendments",
                new { articleId = articles[0].Id, text })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        }

        HttpResponseMessage lost;
        using (factory.Gate.Arm(2, SaveGate.Saving<CharterVersion>(EntityState.Added)))
        {
            (_, lost) = await OneWinsAsync(HttpStatusCode.OK,
                steering.PostAsync($"/api/charter/amendments/{amendments[0]}/accept", null),
                steering.PostAsync($"/api/charter/amendments/{amendments[1]}/accept", null));
        }
        // The second waited for the first's lock on the charter, then found its amendment lapsed by the first.
        await lost.ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");

        await using var scope = factory.Scope(out var db);
        Assert.Equal([1, 2], await db.CharterVersions.Where(v => v.CharterId == charter).OrderBy(v => v.Number).Select(v => v.Number).ToListAsync());
        var statuses = await db.Amendments.Where(a => a.CharterId == charter).Select(a => a.Status).ToListAsync();
        // The winner's acceptance lapsed the other amendment (still pending against the superseded version); the loser wrote nothing.
        Assert.Equal(new[] { AmendmentStatus.Accepted, AmendmentStatus.Lapsed }.Order(), statuses.Order());
        Assert.Equal(1, await factory.OutboxCountAsync("CharterVersionPublished", charter.ToString()));
    }

    private async Task<Guid> ProposeAsync(Guid charter, Guid article, string text) =>
        (await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/charter/charters/{charter}/versions/1/amendments",
            new { articleId = article, text })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    /// <summary>
    /// Locks version 1's row in the caller's transaction, as writing it would: an operation that ends the version (finalize,
    /// an acceptance) then waits here, when it writes the version — after its checks and its lapse, with everything it
    /// locked before still held — which is the moment a racing request is sent.
    /// </summary>
    private static async Task HoldVersionAsync(CharterDbContext hold, Guid charter) =>
        await hold.Database.ExecuteSqlAsync($"SELECT 1 FROM charter_versions WHERE charter_id = {charter} AND number = 1 FOR NO KEY UPDATE");

    [Fact]
    public async Task An_amendment_proposed_while_its_version_is_made_final_is_a_409_once_final_and_none_stays_pending()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Draft);

        await using var holdScope = factory.Scope(out var hold);
        await using var held = await hold.Database.BeginTransactionAsync();
        await HoldVersionAsync(hold, charter);
        var finalize = steering.PostAsync($"/api/charter/charters/{charter}/versions/1/finalize", null);
        await factory.WaitingOnLocksAsync(1);
        var propose = factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/charter/charters/{charter}/versions/1/amendments",
            new { articleId = articles[0].Id, text = "Un texte proposé au dernier moment." });
        // The proposal waits for the charter's lock finalize holds (without it, it was stored against the closing draft at once).
        await Task.WhenAny(propose, factory.WaitingOnLocksAsync(2));
        await held.RollbackAsync();

        Assert.Equal(HttpStatusCode.OK, (await finalize).StatusCode);
        await (await propose).ProblemAsync(HttpStatusCode.Conflict, "version-closed");
        await using var scope = factory.Scope(out var db);
        Assert.Equal(VersionStatus.Final, await db.CharterVersions.Where(v => v.CharterId == charter).Select(v => v.Status).SingleAsync());
        Assert.False(await db.Amendments.AnyAsync(a => a.CharterId == charter && a.Status == AmendmentStatus.Pending));
    }

    [Fact]
    public async Task A_vote_opened_while_another_amendment_is_accepted_is_a_409_lapsed_and_no_vote_stays_open()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var accepted = await ProposeAsync(charter, articles[0].Id, "Première version.");
        var voted = await ProposeAsync(charter, articles[0].Id, "Seconde version.");

        await using var holdScope = factory.Scope(out var hold);
        await using var held = await hold.Database.BeginTransactionAsync();
        await HoldVersionAsync(hold, charter);
        var accept = steering.PostAsync($"/api/charter/amendments/{accepted}/accept", null);
        await factory.WaitingOnLocksAsync(1);
        var open = steering.PostAsJsonAsync($"/api/charter/amendments/{voted}/votes",
            new { opensAt = Now.AddSeconds(10), closesAt = Now.AddMinutes(5), quorum = 1, majority = 0.5 });
        // Without the lock the vote was opened on the amendment the acceptance had already decided to lapse (read before).
        await Task.WhenAny(open, factory.WaitingOnLocksAsync(2));
        await held.RollbackAsync();

        Assert.Equal(HttpStatusCode.OK, (await accept).StatusCode);
        await (await open).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        await using var scope = factory.Scope(out var db);
        Assert.Equal(AmendmentStatus.Lapsed, await db.Amendments.Where(a => a.Id == voted).Select(a => a.Status).SingleAsync());
        Assert.False(await db.AmendmentVotes.AnyAsync(v => v.CharterId == charter && v.Status == AmendmentVoteStatus.Open));
    }

    [Fact]
    public async Task Finalize_while_an_amendment_is_accepted_is_a_409_and_the_acceptance_stands()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var amendment = await ProposeAsync(charter, articles[0].Id, "Texte amendé.");

        await using var holdScope = factory.Scope(out var hold);
        await using var held = await hold.Database.BeginTransactionAsync();
        await HoldVersionAsync(hold, charter);
        var accept = steering.PostAsync($"/api/charter/amendments/{amendment}/accept", null);
        await factory.WaitingOnLocksAsync(1);
        var finalize = steering.PostAsync($"/api/charter/charters/{charter}/versions/1/finalize", null);
        // Finalize waits: on the charter's lock with it, on version 1's row without it (its checks already passed).
        await factory.WaitingOnLocksAsync(2);
        await held.RollbackAsync();

        var (won, lost) = await OneWinsAsync(HttpStatusCode.OK, accept, finalize);
        Assert.Same(await accept, won);
        await lost.ProblemAsync(HttpStatusCode.Conflict, "version-not-draft");
        await using var scope = factory.Scope(out var db);
        Assert.Equal([(1, VersionStatus.Superseded), (2, VersionStatus.Draft)],
            (await db.CharterVersions.Where(v => v.CharterId == charter).OrderBy(v => v.Number).Select(v => new { v.Number, v.Status }).ToListAsync())
                .Select(v => (v.Number, v.Status)));
        Assert.Equal(2, await db.Charters.Where(c => c.Id == charter).Select(c => c.CurrentVersion).SingleAsync());
        Assert.Equal(AmendmentStatus.Accepted, await db.Amendments.Where(a => a.Id == amendment).Select(a => a.Status).SingleAsync());
    }

    [Fact]
    public async Task A_cast_while_its_amendment_lapses_is_a_409_and_not_stored()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var amendment = await ProposeAsync(charter, articles[0].Id, "Texte soumis au vote.");
        var vote = (await (await steering.PostAsJsonAsync($"/api/charter/amendments/{amendment}/votes",
            new { closesAt = Now.AddMinutes(5), quorum = 1, majority = 0.5 })).ReadAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await using var holdScope = factory.Scope(out var hold);
        await using var held = await hold.Database.BeginTransactionAsync();
        await HoldVersionAsync(hold, charter);
        var finalize = steering.PostAsync($"/api/charter/charters/{charter}/versions/1/finalize", null);
        await factory.WaitingOnLocksAsync(1);
        var cast = factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/charter/amendment-votes/{vote}/casts", new { choice = "for" });
        // Without the lock the cast was stored on the vote finalize was closing with its lapsed amendment.
        await Task.WhenAny(cast, factory.WaitingOnLocksAsync(2));
        await held.RollbackAsync();

        Assert.Equal(HttpStatusCode.OK, (await finalize).StatusCode);
        await (await cast).ProblemAsync(HttpStatusCode.Conflict, "amendment-lapsed");
        await using var scope = factory.Scope(out var db);
        var closed = await db.AmendmentVotes.AsNoTracking().SingleAsync(v => v.Id == vote);
        Assert.Equal((AmendmentVoteStatus.Closed, "lapsed"), (closed.Status, closed.Outcome));
        Assert.False(await db.AmendmentVoteCasts.AnyAsync(c => c.VoteId == vote));
    }

    [Fact]
    public async Task Two_acceptances_of_a_statement_at_once_publish_it_once_and_the_second_is_a_409()
    {
        var statement = (await factory.StatementsAsync(Conversation.MainId, 1, status: StatementStatus.Pending))[0];

        HttpResponseMessage lost;
        using (factory.Gate.Arm(2, SaveGate.Saving<Statement>(EntityState.Modified)))
        {
            (_, lost) = await OneWinsAsync(HttpStatusCode.OK,
                steering.PostAsync($"/api/charter/statements/{statement}/accept", null),
                steering.PostAsync($"/api/charter/statements/{statement}/accept", null));
        }
        await lost.ProblemAsync(HttpStatusCode.Conflict, "statement-already-moderated");

        // One StatementAccepted, so the author is told once (a double submit used to accept twice and notify twice).
        Assert.Equal(1, await factory.OutboxCountAsync("StatementAccepted", statement.ToString()));
    }

    [Fact]
    public async Task A_moderation_does_not_wait_for_votes_being_stored_on_its_statement()
    {
        var statements = await factory.StatementsAsync(Conversation.MainId, 2, status: StatementStatus.Accepted);

        // A batch of votes not yet committed holds a key-share lock on each statement it votes on (the foreign key).
        await using var scope = factory.Scope(out var db);
        await using var votes = await db.Database.BeginTransactionAsync();
        foreach (var s in statements)
        {
            db.Votes.Add(new Agora.Charter.Votes.Vote { ConversationId = Conversation.MainId, StatementId = s, ParticipantId = Guid.NewGuid(), Value = 1, CastAt = Now });
        }
        await db.SaveChangesAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var merged = await steering.PostAsJsonAsync($"/api/charter/statements/{statements[1]}/merge", new { into = statements[0] }, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        await votes.CommitAsync();
    }

    [Fact]
    public async Task A_translation_sent_while_an_acceptance_supersedes_its_version_waits_and_is_a_409()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

        // An acceptance holds the charter's row and has superseded version 1, not yet committed.
        await using var holdScope = factory.Scope(out var hold);
        await using var held = await hold.Database.BeginTransactionAsync();
        await hold.Database.ExecuteSqlAsync($"SELECT 1 FROM charters WHERE id = {charter} FOR UPDATE");
        await hold.CharterVersions.Where(v => v.CharterId == charter && v.Number == 1)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, VersionStatus.Superseded));
        var translation = steering.PutAsJsonAsync($"/api/charter/charters/{charter}/versions/1/articles/{articles[0].Id}/translations/en",
            new { text = "Article 1, in English." });
        await factory.WaitingOnLocksAsync(1);
        await held.CommitAsync();

        await (await translation.WaitAsync(TimeSpan.FromSeconds(30))).ProblemAsync(HttpStatusCode.Conflict, "version-superseded");
        await using var scope = factory.Scope(out var db);
        var article = await db.Articles.AsNoTracking().SingleAsync(a => a.Id == articles[0].Id);
        Assert.Null(article.TextEn);
    }

    [Fact]
    public async Task An_erasure_takes_the_charter_of_the_persons_amendments_before_them_as_a_finalize_does()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Draft);
        var author = Guid.NewGuid();
        await using (var scope = factory.Scope(out var db))
        {
            db.Amendments.AddRange(Enumerable.Range(0, 2).Select(i => new Amendment
            {
                Id = Guid.CreateVersion7(), CharterId = charter, VersionNumber = 1, ArticleId = articles[0].Id, AuthorId = author,
                ProposedText = $"Texte {i}", Status = AmendmentStatus.Pending, CreatedAt = Now,
            }));
            await db.SaveChangesAsync();
        }

        // A finalize holds the charter's row (and will lapse these amendments one by one): the erasure waits for it
        // before it touches them, instead of taking the amendments first in another order.
        await using var holdScope = factory.Scope(out var hold);
        await using var held = await hold.Database.BeginTransactionAsync();
        await hold.Database.ExecuteSqlAsync($"SELECT 1 FROM charters WHERE id = {charter} FOR UPDATE");
        var erasure = Task.Run(async () =>
        {
            await using var scope = factory.Scope(out var db);
            await using var transaction = await db.Database.BeginTransactionAsync();
            await Agora.Charter.Constituencies.ParticipantErasedConsumer.EraseAsync(db, author, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        });
        await factory.WaitingOnLocksAsync(1);
        Assert.False(erasure.IsCompleted);
        await held.RollbackAsync();

        await erasure.WaitAsync(TimeSpan.FromSeconds(30));
        await using (var scope = factory.Scope(out var db))
        {
            Assert.False(await db.Amendments.AnyAsync(a => a.AuthorId == author));
            Assert.Equal(2, await db.Amendments.CountAsync(a => a.CharterId == charter));
        }
    }

    [Fact]
    public async Task A_moderation_and_an_erasure_of_its_author_at_once_both_complete_without_a_deadlock()
    {
        var conversation = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = conversation, Title = "erasure", Source = "agora", CreatedAt = Now });
            await db.SaveChangesAsync();
        }
        var author = Guid.NewGuid();
        var voted = (await factory.StatementsAsync(conversation, 1, status: StatementStatus.Accepted))[0];
        var pending = (await factory.StatementsAsync(conversation, 1, status: StatementStatus.Pending))[0];
        await using (var scope = factory.Scope(out var db))
        {
            await db.Statements.Where(s => s.Id == pending).ExecuteUpdateAsync(s => s.SetProperty(x => x.AuthorId, author));
            db.Votes.Add(new Agora.Charter.Votes.Vote { ConversationId = conversation, StatementId = voted, ParticipantId = author, Value = 1, CastAt = Now });
            await db.SaveChangesAsync();
        }

        // A lock on the author's vote holds the erasure once it has the conversation (to bump its revision) and before it
        // reaches the author's statements; the moderation of one of them then starts, and the erasure is let go.
        await using var holdScope = factory.Scope(out var hold);
        await using var held = await hold.Database.BeginTransactionAsync();
        await hold.Database.ExecuteSqlAsync($"SELECT 1 FROM votes WHERE participant_id = {author} FOR UPDATE");
        var erasure = Task.Run(async () =>
        {
            await using var scope = factory.Scope(out var db);
            await using var transaction = await db.Database.BeginTransactionAsync();
            await Agora.Charter.Constituencies.ParticipantErasedConsumer.EraseAsync(db, author, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        });
        await factory.WaitingOnLocksAsync(1);
        var moderation = steering.PostAsync($"/api/charter/statements/{pending}/accept", null);
        await factory.WaitingOnLocksAsync(2);
        await held.RollbackAsync();

        // Statement then conversation against conversation then statement: PostgreSQL aborted one of them (40P01).
        await Task.WhenAll(erasure, moderation).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await moderation).StatusCode);
        await using (var scope = factory.Scope(out var db))
        {
            var statement = await db.Statements.AsNoTracking().SingleAsync(s => s.Id == pending);
            Assert.Equal((StatementStatus.Accepted, false), (statement.Status, statement.AuthorId == author));
        }
    }

    [Fact]
    public async Task Two_statements_moderated_at_once_both_bump_the_conversations_revision()
    {
        var conversation = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = conversation, Title = "revision", Source = "agora", CreatedAt = Now });
            await db.SaveChangesAsync();
        }
        var statements = await factory.StatementsAsync(conversation, 2, status: StatementStatus.Pending);

        // Both pass their checks before either writes: a revision read and set in memory would count the two as one,
        // and the analysis, finding the revision it already saw after the first, would miss the second.
        using (factory.Gate.Arm(2, SaveGate.Saving<Statement>(EntityState.Modified)))
        {
            var responses = await Task.WhenAll(statements.Select(s => steering.PostAsync($"/api/charter/statements/{s}/accept", null)));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        }

        await using (var scope = factory.Scope(out var db))
        {
            Assert.Equal(2, await db.Conversations.Where(c => c.Id == conversation).Select(c => c.Revision).SingleAsync());
        }
    }

    [Fact]
    public async Task Two_closes_of_a_ballot_adopt_and_plan_once_and_the_second_is_a_409()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Final, articles: 2);
        var ballot = new Ballot
        {
            Id = Guid.CreateVersion7(),
            CharterId = charter,
            VersionNumber = 1,
            OpensAt = Now.AddHours(-2),
            ClosesAt = Now.AddHours(-1),
            Quorum = 1,
            Majority = 0.5,
            Status = BallotStatus.Open,
        };
        await using (var scope = factory.Scope(out var db))
        {
            db.Ballots.Add(ballot);
            db.BallotCasts.Add(new BallotCast { Id = Guid.CreateVersion7(), BallotId = ballot.Id, ParticipantId = Guid.NewGuid(), Consent = true, College = "individual", CastAt = Now.AddHours(-1.5) });
            await db.SaveChangesAsync();
        }

        HttpResponseMessage won, lost;
        using (factory.Gate.Arm(2, SaveGate.Saving<Ballot>(EntityState.Modified)))
        {
            (won, lost) = await OneWinsAsync(HttpStatusCode.OK,
                steering.PostAsync($"/api/charter/ballots/{ballot.Id}/close", null),
                steering.PostAsync($"/api/charter/ballots/{ballot.Id}/close", null));
        }
        Assert.True((await won.ReadAsync(HttpStatusCode.OK)).GetProperty("result").GetProperty("adopted").GetBoolean());
        await lost.ProblemAsync(HttpStatusCode.Conflict, "ballot-closed");

        await using (var scope = factory.Scope(out var db))
        {
            Assert.Equal(articles.Select(a => a.LineageId).Order(), (await db.Actions.Where(a => a.CharterId == charter).Select(a => a.ArticleId).ToListAsync()).Order());
            Assert.Equal(VersionStatus.Adopted, await db.CharterVersions.Where(v => v.CharterId == charter).Select(v => v.Status).SingleAsync());
        }
        Assert.Equal(1, await factory.OutboxCountAsync("BallotClosed", ballot.Id.ToString()));
        Assert.Equal(1, await factory.OutboxCountAsync("CharterAdopted", ballot.Id.ToString()));
    }

    [Fact]
    public async Task Two_ballots_opened_at_once_on_a_version_leave_one_open_and_a_409()
    {
        var (charter, _) = await factory.CharterAsync(VersionStatus.Final);
        var url = $"/api/charter/charters/{charter}/versions/1/ballots";
        object Window() => new { closesAt = Now.AddDays(1), quorum = 1, majority = 0.5 };

        HttpResponseMessage lost;
        using (factory.Gate.Arm(2, SaveGate.Saving<Ballot>(EntityState.Added)))
        {
            (_, lost) = await OneWinsAsync(HttpStatusCode.Created, steering.PostAsJsonAsync(url, Window()), steering.PostAsJsonAsync(url, Window()));
        }
        await lost.ProblemAsync(HttpStatusCode.Conflict, "ballot-already-open");

        await using (var scope = factory.Scope(out var db))
        {
            Assert.Equal(1, await db.Ballots.CountAsync(b => b.CharterId == charter));
        }
        Assert.Equal(1, await factory.OutboxCountAsync("BallotOpened", charter.ToString()));
    }

    [Fact]
    public async Task Two_deadline_watchers_at_once_send_each_reminder_once()
    {
        var (charter, articles) = await factory.CharterAsync(VersionStatus.Adopted);
        var owner = Guid.NewGuid();
        var actions = Enumerable.Range(0, 3).Select(i => new PlanAction
        {
            Id = Guid.CreateVersion7(),
            CharterId = charter,
            ArticleId = articles[0].LineageId,
            Title = $"Action {i}",
            OwnerParticipantId = owner,
            Deadline = Now.AddDays(1),
            Status = ActionStatus.Planned,
            CreatedAt = Now,
            UpdatedAt = Now,
        }).ToList();
        await using (var scope = factory.Scope(out var db))
        {
            db.Actions.AddRange(actions);
            await db.SaveChangesAsync();
        }

        // Two replicas' watchers, run at the same moment.
        DeadlineWatcher Replica() => new(factory.Services.GetRequiredService<IServiceScopeFactory>(), factory.Clock,
            factory.Services.GetRequiredService<IOptionsMonitor<DeadlineOptions>>(), NullLogger<DeadlineWatcher>.Instance);
        int[] sent;
        using (factory.Gate.Arm(2, SaveGate.Saving<PlanAction>(EntityState.Modified)))
        {
            sent = await Task.WhenAll(Replica().RunOnceAsync(CancellationToken.None), Replica().RunOnceAsync(CancellationToken.None));
        }

        Assert.Equal(actions.Count, sent.Sum());
        foreach (var action in actions)
        {
            Assert.Equal(1, await factory.OutboxCountAsync("ActionDeadlineApproaching", action.Id.ToString()));
        }
        await using (var scope = factory.Scope(out var db))
        {
            Assert.Equal(actions.Count, await db.Actions.CountAsync(a => a.CharterId == charter && a.DeadlineNotifiedAt != null));
        }
        Assert.Equal(0, await Replica().RunOnceAsync(CancellationToken.None));
    }
}
