using System.Net;
using System.Net.Http.Json;
using Agora.Charter.Statements;
using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Statements;

public sealed class StatementTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private static string Main => $"/api/charter/conversations/{Conversation.MainId}";

    [Fact]
    public async Task A_participant_proposes_a_statement_steering_accepts_it_and_StatementAccepted_goes_to_the_outbox()
    {
        var author = Guid.NewGuid();
        var participant = factory.ClientFor(author, Roles.Participant);
        var created = await (await participant.PostAsJsonAsync($"{Main}/statements",
            new { text = "الماء حق للجميع", language = "ar", theme = "water" })).ReadAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("pending", created.GetProperty("status").GetString());
        Assert.Equal("الماء حق للجميع", created.GetProperty("texts").GetProperty("ar").GetString());

        // Pending statements are not open for votes, nor shown to other participants.
        await (await participant.VoteAsync(id, "agree")).ProblemAsync(HttpStatusCode.Conflict, "statement-not-open");
        var other = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/charter/statements/{id}")).StatusCode);

        // Only steering moderates.
        Assert.Equal(HttpStatusCode.Forbidden, (await participant.PostAsync($"/api/charter/statements/{id}/accept", null)).StatusCode);
        var accepted = await (await steering.PostAsync($"/api/charter/statements/{id}/accept", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        Assert.Equal(1, await factory.OutboxCountAsync("StatementAccepted", id.ToString()));
        await (await steering.PostAsync($"/api/charter/statements/{id}/accept", null)).ProblemAsync(HttpStatusCode.Conflict, "statement-already-moderated");

        await (await participant.VoteAsync(id, "agree")).ReadAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Invalid_statements_list_every_field_and_nothing_is_written()
    {
        await using var scope = factory.Scope(out var db);
        var before = await db.Statements.CountAsync();
        var participant = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        var problem = await (await participant.PostAsJsonAsync($"{Main}/statements", new { text = " ", language = "de", theme = "" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal(["language", "text", "theme"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray());
        // Only invisible characters (zero-width space, a bidi override) show nothing either.
        var invisible = await (await participant.PostAsJsonAsync($"{Main}/statements", new { text = "\u200B\u202E", language = "fr", theme = "eau" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal(["text"], invisible.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(before, await db.Statements.CountAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsJsonAsync($"{Main}/statements", new { text = "x", language = "fr", theme = "t" })).StatusCode);
    }

    [Fact]
    public async Task Steering_rejects_with_a_reason_and_merges_a_duplicate_whose_sources_follow()
    {
        var ids = await factory.StatementsAsync(Conversation.MainId, 3, status: StatementStatus.Pending);
        await (await steering.PostAsJsonAsync($"/api/charter/statements/{ids[0]}/reject", new { reason = "" })).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        var rejected = await (await steering.PostAsJsonAsync($"/api/charter/statements/{ids[0]}/reject", new { reason = "hors sujet" })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("hors sujet", rejected.GetProperty("rejectionReason").GetString());

        var contribution = Guid.NewGuid();
        var workshop = Guid.NewGuid();
        await using (var scope = factory.Scope(out var db))
        {
            var dup = await db.Statements.SingleAsync(s => s.Id == ids[1]);
            dup.ContributionIds = [contribution];
            dup.WorkshopIds = [workshop];
            await db.SaveChangesAsync();
        }
        var merged = await (await steering.PostAsJsonAsync($"/api/charter/statements/{ids[1]}/merge", new { into = ids[2] })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("merged", merged.GetProperty("status").GetString());
        Assert.Equal(ids[2], merged.GetProperty("mergedInto").GetGuid());
        var target = await (await steering.GetAsync($"/api/charter/statements/{ids[2]}")).ReadAsync(HttpStatusCode.OK);
        Assert.Contains(contribution, target.GetProperty("contributionIds").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Contains(workshop, target.GetProperty("workshopIds").EnumerateArray().Select(e => e.GetGuid()));

        // Merging into a rejected statement, or into itself, is refused.
        await (await steering.PostAsJsonAsync($"/api/charter/statements/{ids[2]}/merge", new { into = ids[0] })).ProblemAsync(HttpStatusCode.Conflict, "statement-already-moderated");
        await (await steering.PostAsJsonAsync($"/api/charter/statements/{ids[2]}/merge", new { into = ids[2] })).ProblemAsync(HttpStatusCode.Conflict, "invalid-merge-target");
    }

    [Fact]
    public async Task Statements_carry_translations_in_arabic_french_and_english()
    {
        var id = (await factory.StatementsAsync(Conversation.MainId, 1))[0];
        await (await steering.PutAsJsonAsync($"/api/charter/statements/{id}/translations/ar", new { text = "الكرامة أولا" })).ReadAsync(HttpStatusCode.OK);
        var view = await (await steering.PutAsJsonAsync($"/api/charter/statements/{id}/translations/en", new { text = "Dignity first" })).ReadAsync(HttpStatusCode.OK);
        var texts = view.GetProperty("texts");
        Assert.Equal("الكرامة أولا", texts.GetProperty("ar").GetString());
        Assert.Equal("Dignity first", texts.GetProperty("en").GetString());
        Assert.StartsWith("Énoncé", texts.GetProperty("fr").GetString(), StringComparison.Ordinal);
        await (await steering.PutAsJsonAsync($"/api/charter/statements/{id}/translations/de", new { text = "Würde" })).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        // A participant cannot translate someone else's statement.
        var other = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        await (await other.PutAsJsonAsync($"/api/charter/statements/{id}/translations/en", new { text = "x" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_validated_contribution_becomes_one_pending_statement_however_often_it_is_delivered()
    {
        var contribution = Guid.NewGuid();
        var workshop = Guid.NewGuid();
        var merged = Guid.NewGuid();
        var message = new ContributionValidated(contribution, workshop, null, "justice", "demand", "fr",
            "La justice transitionnelle doit aboutir.", [merged], DateTimeOffset.UtcNow);
        async Task<int> Count()
        {
            await using var scope = factory.Scope(out var db);
            return await db.Statements.CountAsync(s => s.SourceContributionId == contribution);
        }

        await factory.PublishUntilAsync(message, Guid.NewGuid(), async () => await Count() == 1);
        // The same contribution again under another message id: still one statement, and this copy is recorded as consumed.
        var again = Guid.NewGuid();
        await factory.PublishUntilAsync(message, again, async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Set<ConsumedMessage>().AnyAsync(m => m.MessageId == again);
        });

        await using var s = factory.Scope(out var check);
        var statement = await check.Statements.SingleAsync(x => x.SourceContributionId == contribution);
        Assert.Equal(StatementStatus.Pending, statement.Status);
        Assert.Equal(Conversation.MainId, statement.ConversationId);
        Assert.Equal("justice", statement.Theme);
        Assert.Equal("La justice transitionnelle doit aboutir.", statement.TextFr);
        Assert.Equal([contribution, merged], statement.ContributionIds);
        Assert.Equal([workshop], statement.WorkshopIds);
        Assert.Null(statement.TruncatedFrom); // whole
    }

    [Fact]
    public async Task A_long_contribution_is_cut_to_a_statement_without_splitting_a_character_beyond_U_FFFF()
    {
        // 2,000 characters are fine in a workshop, 500 in a statement: the cut falls inside the fist emoji (two UTF-16 units).
        var contribution = Guid.NewGuid();
        var text = new string('ع', Statement.MaxLength - 1) + "\U0001F44A" + new string('ب', 100);
        var message = new ContributionValidated(contribution, Guid.NewGuid(), null, "dignity", "demand", "ar", text, [], DateTimeOffset.UtcNow);

        await factory.PublishUntilAsync(message, Guid.NewGuid(), async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Statements.AnyAsync(s => s.SourceContributionId == contribution);
        });

        await using var s = factory.Scope(out var check);
        var statement = await check.Statements.SingleAsync(x => x.SourceContributionId == contribution);
        var stored = statement.TextAr!;
        Assert.True(stored.Length <= Statement.MaxLength);
        Assert.Equal(new string('ع', Statement.MaxLength - 1), stored);

        // The cut is not silent: moderators see the contribution's full length (its text stays with the contribution).
        var steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);
        var view = await (await steering.GetAsync($"/api/charter/statements/{statement.Id}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(text.Length, view.GetProperty("truncatedFrom").GetInt32());
        var pending = await (await steering.GetAsync($"/api/charter/conversations/{Conversation.MainId}/statements?status=pending")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(text.Length, pending.EnumerateArray().Single(x => x.GetProperty("id").GetGuid() == statement.Id).GetProperty("truncatedFrom").GetInt32());
    }
}
