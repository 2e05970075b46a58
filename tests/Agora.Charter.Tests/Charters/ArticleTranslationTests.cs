using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Charter.Consensus;
using Agora.Charter.Statements;
using Agora.Charter.Votes;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Charter.Tests.Charters;

public sealed class ArticleTranslationTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    /// <summary>
    /// A draft whose "water" article has two statements translated into Arabic (both) and English (one only), and whose
    /// "dignity" article has no translation beyond its French original. Returns the charter id.
    /// </summary>
    private async Task<Guid> DraftAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var conversation = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = conversation, Title = "charter", Source = "agora", CreatedAt = now });
            await db.SaveChangesAsync();
        }
        var water = await factory.StatementsAsync(conversation, 2, "water", now: now);
        var dignity = await factory.StatementsAsync(conversation, 1, "dignity", now: now);
        var divisive = (await factory.StatementsAsync(conversation, 1, "economy", now: now))[0];
        await using (var scope = factory.Scope(out var db))
        {
            var ws = await db.Statements.Where(s => water.Contains(s.Id)).ToListAsync();
            foreach (var s in ws)
            {
                s.TextAr = $"الماء {s.Id:N}";
            }
            ws[0].TextEn = "Water is a common good.";
            for (var i = 0; i < 12; i++)
            {
                var p = Guid.NewGuid();
                db.Votes.AddRange(water.Concat(dignity).Select(id => new Vote { ConversationId = conversation, StatementId = id, ParticipantId = p, Value = 1, CastAt = now }));
                db.Votes.Add(new Vote { ConversationId = conversation, StatementId = divisive, ParticipantId = p, Value = (short)(i % 2 == 0 ? 1 : -1), CastAt = now });
            }
            await db.SaveChangesAsync();
        }
        await factory.Services.GetRequiredService<AnalysisWorker>().RunOnceAsync(CancellationToken.None);
        var draft = await (await steering.PostAsJsonAsync("/api/charter/charters", new { title = "Charte", conversationId = conversation })).ReadAsync(HttpStatusCode.Created);
        return draft.GetProperty("charterId").GetGuid();
    }

    private async Task<JsonElement[]> ArticlesAsync(string url, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }
        var version = await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).SendAsync(request)).ReadAsync(HttpStatusCode.OK);
        return [.. version.GetProperty("articles").EnumerateArray()];
    }

    private static string? Lang(JsonElement article) => article.GetProperty("language").GetString();

    private static string Text(JsonElement article) => article.GetProperty("text").GetString()!;

    [Fact]
    public async Task Articles_are_assembled_in_each_language_their_statements_are_translated_into_and_served_with_a_fallback()
    {
        var charter = await DraftAsync();
        var url = $"/api/charter/charters/{charter}";
        var articles = await ArticlesAsync(url);
        var (dignity, water) = (articles[0], articles[1]);
        Assert.Equal(2, water.GetProperty("texts").GetProperty("ar").GetString()!.Split('\n').Length);
        Assert.StartsWith("الماء", water.GetProperty("texts").GetProperty("ar").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, water.GetProperty("texts").GetProperty("fr").GetString()!.Split('\n').Length);
        Assert.Equal(JsonValueKind.Null, water.GetProperty("texts").GetProperty("en").ValueKind); // one statement lacks English
        Assert.Equal(JsonValueKind.Null, dignity.GetProperty("texts").GetProperty("ar").ValueKind);
        // No preference: Arabic first, then French.
        Assert.Equal("ar", Lang(water));
        Assert.Equal("fr", Lang(dignity));

        // `lang` wins over Accept-Language; a missing language falls back by the header's order, then ar, fr, en.
        var fr = await ArticlesAsync(url + "?lang=fr", "ar");
        Assert.Equal(new[] { "fr", "fr" }, fr.Select(a => Lang(a)!).ToArray());
        var en = await ArticlesAsync(url, "en-GB, fr;q=0.8, ar;q=0.5");
        Assert.Equal("fr", Lang(en[1]));
        Assert.Equal(water.GetProperty("texts").GetProperty("fr").GetString(), Text(en[1]));
        var unknown = await ArticlesAsync(url + "?lang=de", "de-DE");
        Assert.Equal(new[] { "fr", "ar" }, unknown.Select(a => Lang(a)!).ToArray());
        Assert.All(unknown, a => Assert.NotEmpty(Text(a)));
    }

    [Fact]
    public async Task Steering_fills_a_missing_translation_on_the_draft_and_an_amendment_resets_the_amended_articles_translations()
    {
        var charter = await DraftAsync();
        var water = (await ArticlesAsync($"/api/charter/charters/{charter}"))[1];
        var waterId = water.GetProperty("id").GetGuid();
        var put = $"/api/charter/charters/{charter}/versions/1/articles/{waterId}/translations";

        await (await steering.PutAsJsonAsync($"{put}/de", new { text = "Wasser" })).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await steering.PutAsJsonAsync($"{put}/en", new { text = " " })).ProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PutAsJsonAsync($"{put}/en", new { text = "x" })).StatusCode);
        await (await steering.PutAsJsonAsync($"/api/charter/charters/{charter}/versions/1/articles/{Guid.NewGuid()}/translations/en", new { text = "x" }))
            .ProblemAsync(HttpStatusCode.NotFound, "not-found");
        var filled = await (await steering.PutAsJsonAsync($"{put}/en", new { text = "Water is a common good.\nFor everyone." })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("Water is a common good.\nFor everyone.", filled.GetProperty("texts").GetProperty("en").GetString());
        var en = await ArticlesAsync($"/api/charter/charters/{charter}?lang=en");
        Assert.Equal("en", Lang(en[1]));
        Assert.Equal("Water is a common good.\nFor everyone.", Text(en[1]));

        // An accepted amendment of the water article: its translations go (they described the old text); the other article keeps its own.
        var amendment = await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync($"/api/charter/charters/{charter}/versions/1/amendments",
            new { articleId = waterId, text = "L'eau est un droit." })).ReadAsync(HttpStatusCode.Created);
        await (await steering.PostAsync($"/api/charter/amendments/{amendment.GetProperty("id").GetGuid()}/accept", null)).ReadAsync(HttpStatusCode.OK);
        var v2 = await ArticlesAsync($"/api/charter/charters/{charter}?lang=en");
        Assert.Null(Lang(v2[1]));
        Assert.Equal("L'eau est un droit.", Text(v2[1]));
        Assert.Equal("fr", Lang(v2[0]));
        // Version 1 is superseded: its translations are frozen.
        await (await steering.PutAsJsonAsync($"{put}/ar", new { text = "x" })).ProblemAsync(HttpStatusCode.Conflict, "version-superseded");
        var v2Water = v2[1].GetProperty("id").GetGuid();
        await (await steering.PutAsJsonAsync($"/api/charter/charters/{charter}/versions/2/articles/{v2Water}/translations/ar", new { text = "الماء حق." })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("الماء حق.", Text((await ArticlesAsync($"/api/charter/charters/{charter}/versions/2", "ar"))[1]));
        await (await steering.PostAsync($"/api/charter/charters/{charter}/versions/2/finalize", null)).ReadAsync(HttpStatusCode.OK);
        await (await steering.PutAsJsonAsync($"/api/charter/charters/{charter}/versions/2/articles/{v2Water}/translations/en", new { text = "x" }))
            .ProblemAsync(HttpStatusCode.Conflict, "version-closed");
    }
}
