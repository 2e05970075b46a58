using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agora.ServiceDefaults;
using Agora.Testing;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.Workshops.Tests.Calendars;

/// <summary>The private subscription URL that phone calendar apps, which send no bearer token, poll.</summary>
public sealed class CalendarFeedTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private const string Feed = "/api/workshops/me/calendar-feed";

    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task The_url_serves_the_participants_calendar_without_a_token_in_the_stored_language()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var mine = await arrange.SessionAsync(workshop, capacity: 5, days: 40);
        var notMine = await arrange.SessionAsync(workshop, capacity: 5, days: 41);
        var me = Guid.NewGuid();
        await arrange.RegisterAsync(mine, me);
        await arrange.RegisterAsync(notMine, Guid.NewGuid());

        var created = await Arrange.Participant(factory, me).PostAsJsonAsync(Feed, new { lang = "fr" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(Feed, created.Headers.Location?.OriginalString);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("fr", answer.GetProperty("lang").GetString());
        Assert.True(Math.Abs((answer.GetProperty("createdAt").GetDateTimeOffset() - DateTimeOffset.UtcNow).TotalMinutes) < 1);
        var url = answer.GetProperty("url").GetString()!;
        Assert.StartsWith("/api/workshops/calendar.ics?feed=", url, StringComparison.Ordinal);

        var response = await factory.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl is { Private: true, NoStore: true });
        var text = await response.Content.ReadAsStringAsync();
        var e = Assert.Single(Calendar.Load(text)!.Events);
        Assert.Equal($"{mine:D}@agora", e.Uid);
        Assert.Equal("Justice sociale", e.Summary);
        // The very calendar a signed-in client gets, but for the time it was written.
        var signedIn = await Arrange.Participant(factory, me).GetStringAsync("/api/workshops/me/calendar.ics?lang=fr");
        Assert.Equal(WithoutStamps(signedIn), WithoutStamps(text));

        Assert.Equal("Social justice", Assert.Single(Calendar.Load(await factory.CreateClient().GetStringAsync(url + "&lang=en"))!.Events).Summary);
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.CreateClient().GetAsync(url + "&lang=de")).StatusCode);

        var status = await Arrange.Participant(factory, me).GetAsync(Feed);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var statusText = await status.Content.ReadAsStringAsync();
        Assert.DoesNotContain(TokenOf(url), statusText, StringComparison.Ordinal);
        var view = JsonDocument.Parse(statusText).RootElement;
        Assert.Equal(new[] { "createdAt", "lang", "lastUsedAt" }, view.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("fr", view.GetProperty("lang").GetString());
        Assert.Equal(answer.GetProperty("createdAt").GetDateTimeOffset(), view.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.String, view.GetProperty("lastUsedAt").ValueKind);
    }

    [Fact]
    public async Task A_new_url_ends_the_old_one_and_revoking_ends_both()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var session = await arrange.SessionAsync(workshop, capacity: 5, days: 42);
        var me = Guid.NewGuid();
        await arrange.RegisterAsync(session, me);
        var client = Arrange.Participant(factory, me);

        var first = await client.PostAsync(Feed, null);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstAnswer = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ar", firstAnswer.GetProperty("lang").GetString());
        var firstUrl = firstAnswer.GetProperty("url").GetString()!;
        Assert.Equal("العدالة الاجتماعية", Assert.Single(Calendar.Load(await factory.CreateClient().GetStringAsync(firstUrl))!.Events).Summary);

        var secondUrl = await CreateAsync(me, "en");

        Assert.NotEqual(firstUrl, secondUrl);
        await AssertUnknownAsync(await factory.CreateClient().GetAsync(firstUrl));
        Assert.Equal("Social justice", Assert.Single(Calendar.Load(await factory.CreateClient().GetStringAsync(secondUrl))!.Events).Summary);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(Feed)).StatusCode);

        await AssertUnknownAsync(await factory.CreateClient().GetAsync(secondUrl));
        await AssertUnknownAsync(await client.GetAsync(Feed));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(Feed)).StatusCode);
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.CalendarFeeds.AnyAsync(f => f.ParticipantId == me));
    }

    [Fact]
    public async Task Missing_malformed_and_unknown_tokens_all_get_the_same_404()
    {
        var me = Guid.NewGuid();
        var url = await CreateAsync(me, "ar");
        var token = TokenOf(url);
        var other = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        string[] wrong =
        [
            "/api/workshops/calendar.ics",
            "/api/workshops/calendar.ics?feed=",
            "/api/workshops/calendar.ics?feed=abc",
            "/api/workshops/calendar.ics?feed=" + other,
            "/api/workshops/calendar.ics?feed=" + token + "A",
            "/api/workshops/calendar.ics?feed=" + token[..^1],
            "/api/workshops/calendar.ics?feed=" + Uri.EscapeDataString(token[..^1] + "="),
            "/api/workshops/calendar.ics?feed=" + token + "&feed=" + token,
            "/api/workshops/calendar.ics?token=" + token,
        ];

        foreach (var path in wrong)
        {
            var response = await factory.CreateClient().GetAsync(path);
            await AssertUnknownAsync(response);
            Assert.DoesNotContain(token[..^1], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Managing_a_feed_needs_a_signed_in_participant_and_a_known_language()
    {
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Feed, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Feed)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync(Feed)).StatusCode);

        var me = Guid.NewGuid();
        var refused = await Arrange.Participant(factory, me).PostAsJsonAsync(Feed, new { lang = "de" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemDetailsSetup.TypeBase + "validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("lang", out _));
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.CalendarFeeds.AnyAsync(f => f.ParticipantId == me));
    }

    [Fact]
    public async Task Only_a_participant_manages_a_feed_and_no_cache_keeps_a_calendar_or_a_new_url()
    {
        var partner = factory.ClientFor(Guid.NewGuid(), Roles.Partner);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.PostAsync(Feed, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync(Feed)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.DeleteAsync(Feed)).StatusCode);

        var me = Arrange.Participant(factory, Guid.NewGuid());
        var created = await me.PostAsync(Feed, null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore);
        var signedIn = await me.GetAsync("/api/workshops/me/calendar.ics");
        Assert.True(signedIn.Headers.CacheControl?.NoStore);
        Assert.True(signedIn.Headers.CacheControl?.Private);
    }

    [Fact]
    public async Task Two_requests_for_a_new_url_at_once_leave_one_feed_and_one_working_url()
    {
        var participant = Guid.NewGuid();
        var client = Arrange.Participant(factory, participant);

        var answers = await Task.WhenAll(client.PostAsync(Feed, null), client.PostAsync(Feed, null));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        var anonymous = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        foreach (var answer in answers)
        {
            var url = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
            statuses.Add((await anonymous.GetAsync(url)).StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.NotFound], statuses.Order());
        await using var scope = factory.Scope(out var db);
        Assert.Equal(1, await db.CalendarFeeds.CountAsync(f => f.ParticipantId == participant));
    }

    [Fact]
    public async Task The_database_holds_only_a_hash_of_the_token()
    {
        var me = Guid.NewGuid();
        var token = TokenOf(await CreateAsync(me, "fr"));

        Assert.Equal(43, token.Length);
        Assert.Equal(32, Base64Url.DecodeFromChars(token).Length);
        await using var scope = factory.Scope(out var db);
        var row = await db.CalendarFeeds.AsNoTracking().SingleAsync(f => f.ParticipantId == me);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(token)), row.TokenHash);
        var stored = await db.Database.SqlQuery<string>($"SELECT row_to_json(f)::text AS \"Value\" FROM calendar_feeds f WHERE participant_id = {me}").SingleAsync();
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.ASCII.GetBytes(token)), stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(Base64Url.DecodeFromChars(token)), stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_use_is_written_at_most_once_an_hour()
    {
        var me = Guid.NewGuid();
        var url = await CreateAsync(me, "ar");
        Assert.Null(await LastUsedAsync(me));

        await factory.CreateClient().GetStringAsync(url);
        var first = await LastUsedAsync(me);
        Assert.NotNull(first);
        await factory.CreateClient().GetStringAsync(url);
        Assert.Equal(first, await LastUsedAsync(me));

        var earlier = first.Value.AddMinutes(-61);
        await using (factory.Scope(out var db))
        {
            await db.CalendarFeeds.Where(f => f.ParticipantId == me).ExecuteUpdateAsync(s => s.SetProperty(f => f.LastUsedAt, earlier));
        }
        await factory.CreateClient().GetStringAsync(url);
        Assert.True(await LastUsedAsync(me) >= first);
    }

    [Fact]
    public async Task The_token_reaches_no_trace_and_no_log()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        // At the levels the service is configured with, as it runs in production.
        var logs = new CapturingLoggerProvider();
        factory.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        var me = Guid.NewGuid();
        var url = await CreateAsync(me, "ar");
        var token = TokenOf(url);

        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync(url + "&lang=fr")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.CreateClient().GetAsync(url + "&lang=de")).StatusCode);
        await Arrange.Participant(factory, me).DeleteAsync(Feed);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync(url)).StatusCode);

        // A request's span ends just after its answer is sent: wait for the four.
        static bool IsFeed(Activity a) => Tag(a, "url.path") == "/api/workshops/calendar.ics";
        await Eventually.UntilAsync(() => stopped.Count(IsFeed) >= 4, because: "the feed requests are traced");
        Assert.All(stopped, a => Assert.DoesNotContain(token, Describe(a), StringComparison.Ordinal));
        // The instrumentation does record the query, its values redacted.
        Assert.All(stopped.Where(IsFeed), a => Assert.StartsWith("feed=Redacted", Tag(a, "url.query")?.TrimStart('?'), StringComparison.Ordinal));
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
    }

    private async Task<string> CreateAsync(Guid participantId, string lang)
    {
        var response = await Arrange.Participant(factory, participantId).PostAsJsonAsync(Feed, new { lang });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
    }

    private async Task<DateTimeOffset?> LastUsedAsync(Guid participantId)
    {
        await using var scope = factory.Scope(out var db);
        return await db.CalendarFeeds.Where(f => f.ParticipantId == participantId).Select(f => f.LastUsedAt).SingleAsync();
    }

    private static string TokenOf(string url) => url["/api/workshops/calendar.ics?feed=".Length..];

    private static async Task AssertUnknownAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemDetailsSetup.TypeBase + "not-found", problem.GetProperty("type").GetString());
        Assert.Equal("The calendar feed was not found.", problem.GetProperty("title").GetString());
    }

    private static string WithoutStamps(string ics) =>
        string.Join("\r\n", ics.Split("\r\n").Where(l => !l.StartsWith("DTSTAMP:", StringComparison.Ordinal)));

    private static string? Tag(Activity a, string key) => a.GetTagItem(key) as string;

    /// <summary>Everything an exporter could send of a span.</summary>
    private static string Describe(Activity a) => string.Join("\n",
        new[] { a.Source.Name, a.OperationName, a.DisplayName, a.StatusDescription ?? "" }
            .Concat(a.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            .Concat(a.Baggage.Select(b => $"{b.Key}={b.Value}"))
            .Concat(a.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")))
            .Concat(a.Links.SelectMany(l => (l.Tags ?? []).Select(t => $"link:{t.Key}={t.Value}"))));
}
