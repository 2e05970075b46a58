using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Workshops.Registrations;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Tests.Programme;

public sealed class SessionCancellationTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    private static string? TypeOf(JsonElement problem) => problem.GetProperty("type").GetString();

    [Fact]
    public async Task A_facilitator_cancels_a_session_every_registration_is_cancelled_nobody_is_promoted_and_the_event_names_them_by_id()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 2);
        var people = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        foreach (var p in people)
        {
            await arrange.RegisterAsync(session, p);
        }
        // One left before the cancellation: not named by it.
        var left = Guid.NewGuid();
        var leaving = await arrange.RegisterAsync(session, left);
        Assert.Equal(HttpStatusCode.NoContent, (await Arrange.Participant(factory, left).DeleteAsync($"/api/workshops/registrations/{leaving.GetProperty("id").GetGuid()}")).StatusCode);

        var response = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = "  La salle est indisponible.  " });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(view.GetProperty("cancelled").GetBoolean());
        Assert.Equal("La salle est indisponible.", view.GetProperty("cancellationReason").GetString());
        // A manager's own words are the reason: no cause code.
        Assert.Equal(JsonValueKind.Null, view.GetProperty("cancellationCause").ValueKind);
        var fetched = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/workshops/sessions/{session}");
        Assert.True(fetched.GetProperty("cancelled").GetBoolean());
        Assert.Equal(0, fetched.GetProperty("confirmed").GetInt32());
        Assert.Equal(0, fetched.GetProperty("waitlisted").GetInt32());

        await using var scope = factory.Scope(out var db);
        var stored = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session);
        Assert.True(stored.Cancelled);
        Assert.NotNull(stored.CancelledAt);
        var registrations = await db.Registrations.AsNoTracking().Where(r => r.SessionId == session).ToListAsync();
        Assert.Equal(5, registrations.Count);
        Assert.All(registrations, r => Assert.Equal(RegistrationStatus.Cancelled, r.Status));
        Assert.All(registrations.Where(r => r.ParticipantId != left), r => Assert.Equal(stored.CancelledAt, r.CancelledAt));
        Assert.Empty(await arrange.EventsAsync("WaitlistPromoted", session));

        var cancelled = Assert.Single(await arrange.EventsAsync("WorkshopSessionCancelled", session));
        Assert.Equal(session, cancelled.GetProperty("sessionId").GetGuid());
        var named = cancelled.GetProperty("participantIds").EnumerateArray().Select(e => e.GetGuid()).ToList();
        Assert.Equal(people.Order(), named.Order());
        // Ids, times and a cause code only: the reason (free text) and nothing personal travels in the event; no cause for a manager's cancellation.
        Assert.Equal(["cancelledAt", "cause", "participantIds", "sessionId", "workshopId"], cancelled.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Null, cancelled.GetProperty("cause").ValueKind);
    }

    [Fact]
    public async Task After_cancellation_registering_and_checking_in_are_refused()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5);
        var confirmed = await arrange.RegisterAsync(session, Guid.NewGuid());
        var code = confirmed.GetProperty("checkInCode").GetString();
        Assert.Equal(HttpStatusCode.OK, (await arrange.Steering.PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = "storm" })).StatusCode);

        var late = await Arrange.Participant(factory, Guid.NewGuid()).PostAsync($"/api/workshops/sessions/{session}/registrations", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.EndsWith("/session-cancelled", TypeOf(await late.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);

        var checkIn = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/check-ins", new { code });
        Assert.Equal(HttpStatusCode.Conflict, checkIn.StatusCode);
        Assert.EndsWith("/session-cancelled", TypeOf(await checkIn.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);

        await using var scope = factory.Scope(out var db);
        Assert.Equal(1, await db.Registrations.CountAsync(r => r.SessionId == session));
        Assert.False(await db.Registrations.AnyAsync(r => r.SessionId == session && r.CheckedInAt != null));
    }

    [Fact]
    public async Task Bad_cancellations_get_problem_details_and_change_nothing()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var session = await arrange.SessionAsync(workshop, capacity: 5);
        var me = Guid.NewGuid();
        await arrange.RegisterAsync(session, me);

        var noReason = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = "   " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        var tooLong = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = new string('x', 501) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var control = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = "salle\u0000 fermée" });
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        Assert.True((await control.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        var malformed = await arrange.Facilitator.PostAsync($"/api/workshops/sessions/{session}/cancel",
            new StringContent("{\"reason\": 42", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var otherFacilitator = factory.ClientFor(Guid.NewGuid(), Agora.ServiceDefaults.Roles.Facilitator);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherFacilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = "mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Arrange.Participant(factory, me).PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = "mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await arrange.Steering.PostAsJsonAsync($"/api/workshops/sessions/{Guid.NewGuid()}/cancel", new { reason = "none" })).StatusCode);

        var past = await arrange.SessionAsync(workshop, capacity: 5);
        await arrange.RegisterAsync(past, me);
        await using (factory.Scope(out var db))
        {
            await db.Sessions.Where(s => s.Id == past).ExecuteUpdateAsync(s => s.SetProperty(x => x.StartsAt, DateTimeOffset.UtcNow.AddHours(-1)));
        }
        var started = await arrange.Steering.PostAsJsonAsync($"/api/workshops/sessions/{past}/cancel", new { reason = "too late" });
        Assert.Equal(HttpStatusCode.Conflict, started.StatusCode);
        Assert.EndsWith("/session-started", TypeOf(await started.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);

        await using (var scope = factory.Scope(out var db))
        {
            Assert.False(await db.Sessions.AnyAsync(s => (s.Id == session || s.Id == past) && (s.Cancelled || s.CancellationReason != null)));
            Assert.Equal(2, await db.Registrations.CountAsync(r => (r.SessionId == session || r.SessionId == past) && r.Status == RegistrationStatus.Confirmed));
        }
        Assert.Empty(await arrange.EventsAsync("WorkshopSessionCancelled", session));

        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = "first" })).StatusCode);
        var twice = await arrange.Steering.PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = "second" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.EndsWith("/session-already-cancelled", TypeOf(await twice.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);
        await using (var scope = factory.Scope(out var db))
        {
            Assert.Equal("first", (await db.Sessions.SingleAsync(s => s.Id == session)).CancellationReason);
        }
        Assert.Single(await arrange.EventsAsync("WorkshopSessionCancelled", session));
    }

    [Fact]
    public async Task Closing_a_workshop_cancels_its_sessions_not_yet_started_as_a_cancellation_does_and_leaves_started_and_past_ones()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var future = await arrange.SessionAsync(workshop, capacity: 1, days: 30);
        var started = await arrange.SessionAsync(workshop, capacity: 5, days: 31);
        var past = await arrange.SessionAsync(workshop, capacity: 5, days: 32);
        var alreadyCancelled = await arrange.SessionAsync(workshop, capacity: 5, days: 33);
        var (confirmed, waitlisted, attendee, pastAttendee) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Assert.Equal("confirmed", (await arrange.RegisterAsync(future, confirmed)).GetProperty("status").GetString());
        Assert.Equal("waitlisted", (await arrange.RegisterAsync(future, waitlisted)).GetProperty("status").GetString());
        await arrange.RegisterAsync(started, attendee);
        await arrange.RegisterAsync(past, pastAttendee);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{alreadyCancelled}/cancel", new { reason = "earlier" })).StatusCode);
        var now = DateTimeOffset.UtcNow;
        await using (factory.Scope(out var db))
        {
            await db.Sessions.Where(s => s.Id == started).ExecuteUpdateAsync(s => s.SetProperty(x => x.StartsAt, now.AddMinutes(-30)).SetProperty(x => x.EndsAt, now.AddHours(2)));
            await db.Sessions.Where(s => s.Id == past).ExecuteUpdateAsync(s => s.SetProperty(x => x.StartsAt, now.AddDays(-2)).SetProperty(x => x.EndsAt, now.AddDays(-2).AddHours(3)));
        }

        var closed = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/status", new { status = "closed" });

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var view = await closed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("closed", view.GetProperty("status").GetString());
        var sessions = view.GetProperty("sessions").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetGuid());
        Assert.True(sessions[future].GetProperty("cancelled").GetBoolean());
        Assert.Equal(0, sessions[future].GetProperty("confirmed").GetInt32());
        Assert.Equal(0, sessions[future].GetProperty("waitlisted").GetInt32());
        Assert.False(sessions[started].GetProperty("cancelled").GetBoolean());
        Assert.False(sessions[past].GetProperty("cancelled").GetBoolean());
        // The cause as a code front ends word in the reader's language; the English reason kept for older clients.
        Assert.Equal("workshop-closed", sessions[future].GetProperty("cancellationCause").GetString());
        Assert.Equal("The workshop was closed.", sessions[future].GetProperty("cancellationReason").GetString());
        var fetched = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/workshops/sessions/{future}");
        Assert.Equal("workshop-closed", fetched.GetProperty("cancellationCause").GetString());
        var earlier = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/workshops/sessions/{alreadyCancelled}");
        Assert.Equal(("earlier", JsonValueKind.Null), (earlier.GetProperty("cancellationReason").GetString(), earlier.GetProperty("cancellationCause").ValueKind));

        await using (var scope = factory.Scope(out var db))
        {
            var stored = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == future);
            Assert.NotNull(stored.CancelledAt);
            Assert.Equal(Agora.Workshops.Programme.ProgrammeApi.ClosedWorkshopReason, stored.CancellationReason);
            Assert.Equal("workshop-closed", stored.CancellationCause);
            var registrations = await db.Registrations.AsNoTracking().Where(r => r.SessionId == future).ToListAsync();
            Assert.Equal(2, registrations.Count);
            Assert.All(registrations, r => Assert.Equal(RegistrationStatus.Cancelled, r.Status));
            Assert.All(registrations, r => Assert.Equal(stored.CancelledAt, r.CancelledAt));
            Assert.False(await db.Sessions.AnyAsync(s => (s.Id == started || s.Id == past) && (s.Cancelled || s.CancellationReason != null)));
            Assert.Equal(2, await db.Registrations.CountAsync(r => (r.SessionId == started || r.SessionId == past) && r.Status == RegistrationStatus.Confirmed));
            Assert.Equal("earlier", (await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == alreadyCancelled)).CancellationReason);
        }
        // The event a single cancellation publishes, naming the confirmed and the waitlisted; nobody promoted; nothing for the others.
        var cancelled = Assert.Single(await arrange.EventsAsync("WorkshopSessionCancelled", future));
        Assert.Equal(["cancelledAt", "cause", "participantIds", "sessionId", "workshopId"], cancelled.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        // The cause as a code, so that notifications words it in each registrant's language.
        Assert.Equal("workshop-closed", cancelled.GetProperty("cause").GetString());
        Assert.Equal(workshop, cancelled.GetProperty("workshopId").GetGuid());
        Assert.Equal(new[] { confirmed, waitlisted }.Order(), cancelled.GetProperty("participantIds").EnumerateArray().Select(e => e.GetGuid()).Order());
        Assert.Empty(await arrange.EventsAsync("WaitlistPromoted", future));
        Assert.Empty(await arrange.EventsAsync("WorkshopSessionCancelled", started));
        Assert.Empty(await arrange.EventsAsync("WorkshopSessionCancelled", past));
        Assert.Single(await arrange.EventsAsync("WorkshopSessionCancelled", alreadyCancelled));
    }

    [Fact]
    public async Task Simultaneous_cancellations_cancel_once()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5);
        await arrange.RegisterAsync(session, Guid.NewGuid());

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            arrange.Steering.PostAsJsonAsync($"/api/workshops/sessions/{session}/cancel", new { reason = $"reason {i}" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(await arrange.EventsAsync("WorkshopSessionCancelled", session));
    }

    [Fact]
    public async Task The_calendar_feed_shows_a_cancelled_session_as_cancelled_but_not_a_registration_one_cancelled_oneself()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var cancelledSession = await arrange.SessionAsync(workshop, capacity: 5, days: 40);
        var left = await arrange.SessionAsync(workshop, capacity: 5, days: 41);
        var kept = await arrange.SessionAsync(workshop, capacity: 5, days: 42);
        var me = Guid.NewGuid();
        await arrange.RegisterAsync(cancelledSession, me);
        var leaving = await arrange.RegisterAsync(left, me);
        await arrange.RegisterAsync(kept, me);
        Assert.Equal(HttpStatusCode.NoContent, (await Arrange.Participant(factory, me).DeleteAsync($"/api/workshops/registrations/{leaving.GetProperty("id").GetGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{cancelledSession}/cancel", new { reason = "x" })).StatusCode);

        var text = await Arrange.Participant(factory, me).GetStringAsync("/api/workshops/me/calendar.ics");

        var calendar = Ical.Net.Calendar.Load(text)!;
        var events = calendar.Events.ToDictionary(e => e.Uid!);
        Assert.Equal(2, events.Count);
        Assert.Equal("CANCELLED", events[$"{cancelledSession:D}@agora"].Status);
        Assert.Equal("CONFIRMED", events[$"{kept:D}@agora"].Status);
        Assert.DoesNotContain($"{left:D}@agora", events.Keys);
    }
}
