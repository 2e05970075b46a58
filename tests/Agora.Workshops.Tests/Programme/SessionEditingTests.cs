using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Workshops.Common;
using Agora.Workshops.Registrations;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Tests.Programme;

public sealed class SessionEditingTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    private static string? TypeOf(JsonElement problem) => problem.GetProperty("type").GetString();

    private static object Body(int days, int startHour, int endHour, string room, int capacity, object[]? reservedSeats = null) => new
    {
        start = Arrange.Local(days, startHour),
        end = Arrange.Local(days, endHour),
        mode = "in_person",
        venue = "Cité de la culture, Tunis",
        room,
        capacity,
        reservedSeats,
    };

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, Guid session, object body) => client.PutAsJsonAsync($"/api/workshops/sessions/{session}", body);

    [Fact]
    public async Task A_facilitator_moves_a_session_in_time_and_room_registrants_are_named_in_the_republished_event_and_an_overlapping_room_is_refused()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var roomA = $"room-{Guid.NewGuid():N}";
        var roomB = $"room-{Guid.NewGuid():N}";
        var first = await arrange.SessionAsync(workshop, capacity: 5, days: 30, room: roomA);   // 09:00–12:00
        var second = await arrange.SessionAsync(workshop, capacity: 5, days: 31, room: roomB);
        var confirmed = Guid.NewGuid();
        var waiting = Guid.NewGuid();
        var small = await arrange.SessionAsync(workshop, capacity: 1, days: 32);
        await arrange.RegisterAsync(second, confirmed);

        // Into room A while the first session is there: refused, nothing changed.
        var overlap = await PutAsync(arrange.Facilitator, second, Body(30, 11, 13, roomA, 5));
        Assert.Equal(HttpStatusCode.Conflict, overlap.StatusCode);
        Assert.EndsWith("/room-overlap", TypeOf(await overlap.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);

        // Into room A after the first session; the first one moves within its own slot (it does not clash with itself).
        var moved = await PutAsync(arrange.Facilitator, second, Body(30, 14, 16, roomA, 5));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var view = await moved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Arrange.Local(30, 14) + ":00", view.GetProperty("startsAtLocal").GetString());
        Assert.Equal(roomA, view.GetProperty("room").GetString());
        Assert.Equal(1, view.GetProperty("confirmed").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(arrange.Steering, first, Body(30, 10, 13, roomA, 5))).StatusCode);

        await using (factory.Scope(out var db))
        {
            var stored = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == second);
            Assert.True(TunisTime.TryParseLocal(Arrange.Local(30, 14), out var startsAt));
            Assert.Equal(startsAt, stored.StartsAt);
            Assert.Equal(roomA, stored.Room);
        }
        var scheduled = await arrange.EventsAsync("WorkshopSessionScheduled", second);
        Assert.Equal(2, scheduled.Count);
        Assert.Equal(JsonValueKind.Null, scheduled[0].GetProperty("changedAt").ValueKind);
        Assert.Empty(scheduled[0].GetProperty("participantIds").EnumerateArray());
        Assert.NotEqual(JsonValueKind.Null, scheduled[1].GetProperty("changedAt").ValueKind);
        Assert.Equal(view.GetProperty("startsAt").GetDateTimeOffset(), scheduled[1].GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal([confirmed], scheduled[1].GetProperty("participantIds").EnumerateArray().Select(e => e.GetGuid()));

        // The waitlisted are told too; a change of capacity alone republishes nothing.
        await arrange.RegisterAsync(small, Guid.NewGuid());
        await arrange.RegisterAsync(small, waiting);
        var smallRoom = (await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/workshops/sessions/{small}")).GetProperty("room").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(arrange.Facilitator, small, Body(32, 9, 12, smallRoom, 1))).StatusCode);
        Assert.Single(await arrange.EventsAsync("WorkshopSessionScheduled", small));
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(arrange.Facilitator, small, Body(32, 15, 17, smallRoom, 1))).StatusCode);
        var smallEvents = await arrange.EventsAsync("WorkshopSessionScheduled", small);
        Assert.Equal(2, smallEvents.Count);
        Assert.Contains(waiting, smallEvents[1].GetProperty("participantIds").EnumerateArray().Select(e => e.GetGuid()));
    }

    [Fact]
    public async Task Bad_input_is_a_400_listing_the_fields_and_changes_nothing()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var session = await arrange.SessionAsync(workshop, capacity: 4, reservedSeats: [new { constituency = "ageBand:18-24", seats = 2 }]);
        var before = await factory.CreateClient().GetStringAsync($"/api/workshops/sessions/{session}");
        var room = JsonDocument.Parse(before).RootElement.GetProperty("room").GetString()!;

        var bad = await PutAsync(arrange.Facilitator, session, new { start = Arrange.Local(30, 12), end = Arrange.Local(30, 9), mode = "teleport", capacity = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["capacity", "end", "mode"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        // Reserved seats are kept as they are: fewer seats than reserved, or other reservations, are 400s like creation's.
        var belowReserved = await PutAsync(arrange.Facilitator, session, Body(30, 9, 12, room, 1));
        Assert.Equal(HttpStatusCode.BadRequest, belowReserved.StatusCode);
        Assert.True((await belowReserved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reservedSeats", out _));
        var otherReservations = await PutAsync(arrange.Facilitator, session, Body(30, 9, 12, room, 4, [new { constituency = "region:interior", seats = 2 }]));
        Assert.Equal(HttpStatusCode.BadRequest, otherReservations.StatusCode);
        Assert.True((await otherReservations.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reservedSeats", out _));
        var past = await PutAsync(arrange.Facilitator, session, Body(-1, 9, 12, room, 4));
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);

        Assert.Equal(before, await factory.CreateClient().GetStringAsync($"/api/workshops/sessions/{session}"));
        Assert.Single(await arrange.EventsAsync("WorkshopSessionScheduled", session));
        // Sent unchanged, the reservations are accepted.
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(arrange.Facilitator, session, Body(30, 9, 12, room, 6, [new { constituency = "ageBand:18-24", seats = 2 }]))).StatusCode);
    }

    [Fact]
    public async Task A_session_that_started_or_was_cancelled_cannot_be_edited()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var started = await arrange.SessionAsync(workshop, capacity: 5, room: "started-room");
        var cancelled = await arrange.SessionAsync(workshop, capacity: 5, days: 31, room: "cancelled-room");
        DateTimeOffset startedAt;
        await using (factory.Scope(out var db))
        {
            startedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
            await db.Sessions.Where(s => s.Id == started).ExecuteUpdateAsync(s => s.SetProperty(x => x.StartsAt, startedAt));
        }
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{cancelled}/cancel", new { reason = "storm" })).StatusCode);

        var onStarted = await PutAsync(arrange.Facilitator, started, Body(40, 9, 12, "started-room", 50));
        Assert.Equal(HttpStatusCode.Conflict, onStarted.StatusCode);
        Assert.EndsWith("/session-started", TypeOf(await onStarted.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);
        var onCancelled = await PutAsync(arrange.Steering, cancelled, Body(40, 14, 16, "cancelled-room", 50));
        Assert.Equal(HttpStatusCode.Conflict, onCancelled.StatusCode);
        Assert.EndsWith("/session-cancelled", TypeOf(await onCancelled.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);

        await using (factory.Scope(out var db))
        {
            var s1 = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == started);
            var s2 = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == cancelled);
            Assert.Equal((5, 5), (s1.Capacity, s2.Capacity));
            Assert.Equal(startedAt.ToUnixTimeMilliseconds(), s1.StartsAt.ToUnixTimeMilliseconds());
        }
        Assert.Single(await arrange.EventsAsync("WorkshopSessionScheduled", started));
        Assert.Single(await arrange.EventsAsync("WorkshopSessionScheduled", cancelled));
    }

    [Fact]
    public async Task Raising_the_capacity_promotes_the_first_waitlisted_in_arrival_order()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 2, room: "raise-room");
        var people = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        foreach (var p in people)
        {
            await arrange.RegisterAsync(session, p);
        }

        var response = await PutAsync(arrange.Facilitator, session, Body(30, 9, 12, "raise-room", 4));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((4, 4, 1), (view.GetProperty("capacity").GetInt32(), view.GetProperty("confirmed").GetInt32(), view.GetProperty("waitlisted").GetInt32()));
        await using var scope = factory.Scope(out var db);
        var stored = await db.Registrations.AsNoTracking().Where(r => r.SessionId == session).OrderBy(r => r.Sequence).ToListAsync();
        Assert.Equal(people, stored.Select(r => r.ParticipantId));
        Assert.Equal(["confirmed", "confirmed", "confirmed", "confirmed", "waitlisted"], stored.Select(r => r.Status));
        Assert.NotNull(stored[2].ConfirmedAt);
        var promoted = await arrange.EventsAsync("WaitlistPromoted", session);
        // One event per promotion, for the third and fourth arrivals (the outbox keeps no order within one transaction).
        Assert.Equal(new[] { stored[2].Id, stored[3].Id }.Order(), promoted.Select(e => e.GetProperty("registrationId").GetGuid()).Order());
        Assert.Equal(new[] { people[2], people[3] }.Order(), promoted.Select(e => e.GetProperty("participantId").GetGuid()).Order());
        // Capacity alone moves nothing: no rescheduling event.
        Assert.Single(await arrange.EventsAsync("WorkshopSessionScheduled", session));
    }

    [Fact]
    public async Task Lowering_the_capacity_below_the_confirmed_seats_is_a_409_and_changes_nothing()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var session = await arrange.SessionAsync(workshop, capacity: 3, room: "lower-room");
        foreach (var _ in Enumerable.Range(0, 3))
        {
            await arrange.RegisterAsync(session, Guid.NewGuid());
        }
        // Reserved seats stay whole: two general seats taken beside two reserved ones need four.
        var reserved = await arrange.SessionAsync(workshop, capacity: 4, days: 31, reservedSeats: [new { constituency = "ageBand:18-24", seats = 2 }], room: "reserved-room");
        await arrange.RegisterAsync(reserved, Guid.NewGuid());
        await arrange.RegisterAsync(reserved, Guid.NewGuid());

        var lower = await PutAsync(arrange.Facilitator, session, Body(30, 10, 12, "lower-room", 2));
        Assert.Equal(HttpStatusCode.Conflict, lower.StatusCode);
        Assert.EndsWith("/capacity-below-confirmed", TypeOf(await lower.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);
        var lowerReserved = await PutAsync(arrange.Facilitator, reserved, Body(31, 9, 12, "reserved-room", 3));
        Assert.Equal(HttpStatusCode.Conflict, lowerReserved.StatusCode);
        Assert.EndsWith("/capacity-below-confirmed", TypeOf(await lowerReserved.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);

        await using (factory.Scope(out var db))
        {
            var stored = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session);
            Assert.Equal(3, stored.Capacity);
            Assert.True(TunisTime.TryParseLocal(Arrange.Local(30, 9), out var startsAt));
            Assert.Equal(startsAt, stored.StartsAt);
            Assert.Equal(4, (await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == reserved)).Capacity);
            Assert.Equal(5, await db.Registrations.CountAsync(r => (r.SessionId == session || r.SessionId == reserved) && r.Status == RegistrationStatus.Confirmed));
        }
        Assert.Single(await arrange.EventsAsync("WorkshopSessionScheduled", session));
        // Down to exactly the confirmed seats is fine.
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(arrange.Facilitator, session, Body(30, 9, 12, "lower-room", 3))).StatusCode);
    }

    [Fact]
    public async Task Only_steering_and_the_workshops_own_facilitators_edit_its_sessions()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5, room: "own-room");
        var otherWorkshop = new Arrange(factory);
        await otherWorkshop.WorkshopAsync("open");
        var me = Guid.NewGuid();
        await arrange.RegisterAsync(session, me);

        var other = await PutAsync(otherWorkshop.Facilitator, session, Body(30, 9, 12, "own-room", 50));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.EndsWith("/forbidden", TypeOf(await other.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(Arrange.Participant(factory, me), session, Body(30, 9, 12, "own-room", 50))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PutAsync(factory.CreateClient(), session, Body(30, 9, 12, "own-room", 50))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PutAsync(arrange.Steering, Guid.NewGuid(), Body(30, 9, 12, "own-room", 50))).StatusCode);

        await using var scope = factory.Scope(out var db);
        Assert.Equal(5, (await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session)).Capacity);
    }

    [Fact]
    public async Task Capacity_changed_while_registrations_pour_in_never_overbooks_and_seats_go_in_arrival_order()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 10, room: "storm-room");
        // A first wave fills the session and leaves a waitlist for the raises to promote.
        var first = await StormAsync(session, 40, start: null);
        Assert.All(first, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        // A second wave while the capacity is raised and lowered, one change after another.
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = StormAsync(session, 120, go.Task);
        var edits = Task.Run(async () =>
        {
            await go.Task;
            var answers = new List<(int Capacity, HttpResponseMessage Response)>();
            foreach (var capacity in new[] { 30, 25, 60, 45, 70, 55 })
            {
                answers.Add((capacity, await PutAsync(arrange.Facilitator, session, Body(30, 9, 12, "storm-room", capacity))));
            }
            return answers;
        });
        go.SetResult();
        Assert.All(await second, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var answers = await edits;

        foreach (var (_, response) in answers)
        {
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                // Counted in the edit's transaction, after its change: never more confirmed than seats.
                Assert.True(body.GetProperty("confirmed").GetInt32() <= body.GetProperty("capacity").GetInt32(), body.ToString());
            }
            else
            {
                Assert.EndsWith("/capacity-below-confirmed", TypeOf(body), StringComparison.Ordinal);
            }
        }
        await using var scope = factory.Scope(out var db);
        var capacity = (await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session)).Capacity;
        Assert.Equal(answers.Last(a => a.Response.StatusCode == HttpStatusCode.OK).Capacity, capacity);
        var stored = await db.Registrations.AsNoTracking().Where(r => r.SessionId == session).OrderBy(r => r.Sequence).ToListAsync();
        Assert.Equal(160, stored.Count);
        // Every seat is taken (raises promoted the waitlist), by the first arrivals, and no more.
        Assert.Equal(capacity, stored.Count(r => r.Status == RegistrationStatus.Confirmed));
        Assert.All(stored.Take(capacity), r => Assert.Equal(RegistrationStatus.Confirmed, r.Status));
        Assert.All(stored.Skip(capacity), r => Assert.Equal(RegistrationStatus.Waitlisted, r.Status));
        var promotedIds = (await arrange.EventsAsync("WaitlistPromoted", session)).Select(e => e.GetProperty("registrationId").GetGuid()).ToList();
        Assert.NotEmpty(promotedIds);
        Assert.Equal(promotedIds.Count, promotedIds.Distinct().Count());
        Assert.All(promotedIds, id => Assert.Contains(id, stored.Take(capacity).Select(r => r.Id)));
    }

    [Fact]
    public async Task An_edit_waits_for_a_registration_holding_the_sessions_lock_and_counts_its_seat()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var session = await arrange.SessionAsync(workshop, capacity: 3, room: "lock-room");
        await arrange.RegisterAsync(session, Guid.NewGuid());
        await arrange.RegisterAsync(session, Guid.NewGuid());

        // A registration in flight, as RegisterAsync makes it: the session's row locked by taking an arrival number, then a confirmed seat.
        await using var scope = factory.Scope(out var db);
        await using var tx = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlAsync($"UPDATE sessions SET registration_sequence = registration_sequence + 1 WHERE id = {session}");
        db.Registrations.Add(new Registration
        {
            Id = Guid.CreateVersion7(), SessionId = session, WorkshopId = workshop, ParticipantId = Guid.NewGuid(), Status = RegistrationStatus.Confirmed,
            Sequence = 3, CheckInCode = $"TEST{Guid.NewGuid():N}"[..26].ToUpperInvariant(), RegisteredAt = DateTimeOffset.UtcNow, ConfirmedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();

        var lowering = PutAsync(arrange.Facilitator, session, Body(30, 9, 12, "lock-room", 2));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(lowering.IsCompleted, "the edit should wait for the session's lock");
        await tx.CommitAsync();

        var response = await lowering;
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.EndsWith("/capacity-below-confirmed", TypeOf(await response.Content.ReadFromJsonAsync<JsonElement>()), StringComparison.Ordinal);
        await using var check = factory.Scope(out var fresh);
        Assert.Equal(3, (await fresh.Sessions.AsNoTracking().SingleAsync(s => s.Id == session)).Capacity);
    }

    private async Task<HttpResponseMessage[]> StormAsync(Guid session, int count, Task? start)
    {
        var clients = Enumerable.Range(0, count).Select(_ => Arrange.Participant(factory, Guid.NewGuid())).ToList();
        return await Task.WhenAll(clients.Select(c => Task.Run(async () =>
        {
            if (start is not null)
            {
                await start;
            }
            return await c.PostAsync($"/api/workshops/sessions/{session}/registrations", null);
        })));
    }
}
