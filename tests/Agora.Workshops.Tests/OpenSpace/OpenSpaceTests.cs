using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Tests.OpenSpace;

public sealed class OpenSpaceTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task Registrants_discuss_others_report_facilitators_hide_and_restore_keeping_history()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var session = await arrange.SessionAsync(workshop, capacity: 10);
        var (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        await arrange.RegisterAsync(session, alice);
        await arrange.RegisterAsync(session, bob);
        var url = $"/api/workshops/workshops/{workshop}/posts";

        var post = await Arrange.Participant(factory, alice).PostAsJsonAsync(url, new { body = "نواصلو النقاش على الماء", language = "ar" });
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        var postId = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var reply = await Arrange.Participant(factory, bob).PostAsJsonAsync(url, new { body = "D'accord, et l'agriculture ?", parentId = postId });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);

        var outsider = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await Arrange.Participant(factory, outsider).GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Arrange.Participant(factory, outsider).PostAsJsonAsync(url, new { body = "spam" })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Arrange.Participant(factory, outsider).PostAsJsonAsync($"/api/workshops/posts/{postId}/report", new { reason = "hors sujet" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Arrange.Participant(factory, bob).PostAsJsonAsync($"/api/workshops/posts/{postId}/report", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Arrange.Participant(factory, bob).PostAsJsonAsync($"/api/workshops/posts/{postId}/report", new { })).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await Arrange.Participant(factory, bob).PostAsJsonAsync($"/api/workshops/posts/{postId}/hide", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(Guid.NewGuid(), Roles.Facilitator).PostAsJsonAsync($"/api/workshops/posts/{postId}/hide", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/posts/{postId}/hide", new { reason = "signalé deux fois" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/posts/{postId}/hide", new { })).StatusCode);

        var asBob = await Arrange.Participant(factory, bob).GetFromJsonAsync<JsonElement>(url);
        var hidden = asBob.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == postId);
        Assert.True(hidden.GetProperty("hidden").GetBoolean());
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("body").ValueKind);
        Assert.Equal(postId, asBob.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() != postId).GetProperty("parentId").GetGuid());
        var asFacilitator = await arrange.Facilitator.GetFromJsonAsync<JsonElement>(url);
        var kept = asFacilitator.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == postId);
        Assert.Equal("نواصلو النقاش على الماء", kept.GetProperty("body").GetString());
        Assert.Equal(2, kept.GetProperty("reportCount").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/posts/{postId}/restore", new { })).StatusCode);
        var restored = (await Arrange.Participant(factory, bob).GetFromJsonAsync<JsonElement>(url)).EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == postId);
        Assert.Equal("نواصلو النقاش على الماء", restored.GetProperty("body").GetString());
        var history = await arrange.Facilitator.GetFromJsonAsync<JsonElement>($"/api/workshops/posts/{postId}/history");
        Assert.Equal(["reported", "reported", "hidden", "restored"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Erasure_removes_the_reasons_the_person_gave_in_reports_and_those_given_about_their_posts()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var session = await arrange.SessionAsync(workshop, capacity: 10);
        var (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        await arrange.RegisterAsync(session, alice);
        await arrange.RegisterAsync(session, bob);
        var url = $"/api/workshops/workshops/{workshop}/posts";
        async Task<Guid> PostAsync(Guid author, string body) =>
            (await (await Arrange.Participant(factory, author).PostAsJsonAsync(url, new { body })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var byAlice = await PostAsync(alice, "Je suis de Kasserine et je témoigne.");
        var byBob = await PostAsync(bob, "Hors sujet.");
        Assert.Equal(HttpStatusCode.NoContent, (await Arrange.Participant(factory, bob).PostAsJsonAsync($"/api/workshops/posts/{byAlice}/report", new { reason = "Elle dit venir de Kasserine" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Arrange.Participant(factory, alice).PostAsJsonAsync($"/api/workshops/posts/{byBob}/report", new { reason = "Moi, Alice, je trouve cela hors sujet" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/posts/{byBob}/hide", new { reason = "hors sujet" })).StatusCode);

        await using (var scope = factory.Scope(out var db))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await Agora.Workshops.Erasure.ParticipantErasedConsumer.EraseAsync(db, alice, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using (var scope = factory.Scope(out var db))
        {
            var events = await db.PostEvents.AsNoTracking().Where(e => e.PostId == byAlice || e.PostId == byBob).ToListAsync();
            Assert.Null(events.Single(e => e.PostId == byAlice).Reason); // Bob's words about Alice's post
            var aliceReport = events.Single(e => e.PostId == byBob && e.Action == "reported");
            Assert.Null(aliceReport.ActorId);
            Assert.Null(aliceReport.Reason);
            Assert.Equal("hors sujet", events.Single(e => e.Action == "hidden").Reason);
        }
    }

    [Fact]
    public async Task Empty_or_oversized_posts_and_replies_to_other_threads_get_400()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var other = await arrange.WorkshopAsync("in_progress");
        var foreign = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{other}/posts", new { body = "ailleurs" });
        var foreignId = (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var url = $"/api/workshops/workshops/{workshop}/posts";

        Assert.Equal(HttpStatusCode.BadRequest, (await arrange.Facilitator.PostAsJsonAsync(url, new { body = "   " })).StatusCode);
        // Only invisible characters (zero-width space, a bidi override) show nothing either.
        Assert.Equal(HttpStatusCode.BadRequest, (await arrange.Facilitator.PostAsJsonAsync(url, new { body = "\u200B\u202E" })).StatusCode);
        // Nor do combining marks with no letter (U+0301, Arabic harakat) or tag characters beyond U+FFFF.
        Assert.Equal(HttpStatusCode.BadRequest, (await arrange.Facilitator.PostAsJsonAsync(url, new { body = "\u0301\u064E\u0651" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await arrange.Facilitator.PostAsJsonAsync(url, new { body = "\U000E0041\U000E0042 " })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await arrange.Facilitator.PostAsJsonAsync(url, new { body = new string('x', 4001) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await arrange.Facilitator.PostAsJsonAsync(url, new { body = "ok", parentId = foreignId })).StatusCode);
        var bell = await arrange.Facilitator.PostAsJsonAsync(url, new { body = "Réunion\u0007 demain" });
        Assert.Equal(HttpStatusCode.BadRequest, bell.StatusCode);
        Assert.True((await bell.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("body", out _));
        Assert.Empty((await arrange.Facilitator.GetFromJsonAsync<JsonElement>(url)).EnumerateArray());
    }

    [Fact]
    public async Task A_reply_to_a_hidden_post_gets_409_and_is_not_written_until_the_post_is_restored()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var url = $"/api/workshops/workshops/{workshop}/posts";
        var created = await arrange.Facilitator.PostAsJsonAsync(url, new { body = "Message hors charte" });
        var post = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/posts/{post}/hide", new { reason = "insultes" })).StatusCode);

        var reply = await arrange.Facilitator.PostAsJsonAsync(url, new { body = "Je réponds quand même", parentId = post });

        Assert.Equal(HttpStatusCode.Conflict, reply.StatusCode);
        var problem = await reply.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemDetailsSetup.TypeBase + "post-hidden", problem.GetProperty("type").GetString());
        await using (factory.Scope(out var db))
        {
            Assert.False(await db.Posts.AnyAsync(p => p.ParentId == post));
        }
        // Once restored, the thread is open again.
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/posts/{post}/restore", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await arrange.Facilitator.PostAsJsonAsync(url, new { body = "Je réponds", parentId = post })).StatusCode);
    }

    [Fact]
    public async Task A_report_or_a_moderation_reason_with_control_characters_gets_400_and_records_nothing()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var created = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/posts", new { body = "Première ligne\nDeuxième ligne" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var post = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var report = await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/workshops/posts/{post}/report", new { reason = "spam\u0000" });
        var hide = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/posts/{post}/hide", new { reason = "hors sujet\u001b" });

        foreach (var response in new[] { report, hide })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        }
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.PostEvents.AnyAsync(e => e.PostId == post));
        Assert.False((await db.Posts.SingleAsync(p => p.Id == post)).Hidden);
    }
}
