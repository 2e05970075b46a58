using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Tests.CheckIn;

public sealed class CheckInTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task A_confirmed_code_checks_in_once_and_counts_attendance_and_no_shows()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 3);
        var people = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var regs = new List<JsonElement>();
        foreach (var p in people)
        {
            regs.Add(await arrange.RegisterAsync(session, p));
        }
        await arrange.DoorsOpenAsync(session);
        var code = regs[0].GetProperty("checkInCode").GetString()!;
        var qr = regs[0].GetProperty("qr").GetString()!;
        Assert.Matches("^[A-Z2-7]{26}$", code);
        Assert.Equal($"agora:checkin:{session}:{code}", qr);

        var scan = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/check-ins", new { code = qr });
        Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        Assert.Equal(people[0], (await scan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("participantId").GetGuid());
        var lowerCase = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/check-ins", new { code = regs[1].GetProperty("checkInCode").GetString()!.ToLowerInvariant() });
        Assert.Equal(HttpStatusCode.OK, lowerCase.StatusCode);

        var reused = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/check-ins", new { code });
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.EndsWith("/already-checked-in", (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);

        var summary = await arrange.Facilitator.GetFromJsonAsync<JsonElement>($"/api/workshops/sessions/{session}/attendance");
        Assert.Equal(3, summary.GetProperty("confirmed").GetInt32());
        Assert.Equal(2, summary.GetProperty("attended").GetInt32());
        // Check-in is open until the end: nobody is a no-show yet.
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("noShows").ValueKind);
        Assert.False(summary.GetProperty("ended").GetBoolean());

        await arrange.MoveAsync(session, DateTimeOffset.UtcNow.AddHours(-3), DateTimeOffset.UtcNow.AddMinutes(-1));
        var ended = await arrange.Facilitator.GetFromJsonAsync<JsonElement>($"/api/workshops/sessions/{session}/attendance");
        Assert.True(ended.GetProperty("ended").GetBoolean());
        Assert.Equal(2, ended.GetProperty("attended").GetInt32());
        Assert.Equal(1, ended.GetProperty("noShows").GetInt32());

        await using var scope = factory.Scope(out var db);
        var checkedIn = await db.Registrations.Where(r => r.SessionId == session && r.CheckedInAt != null).Select(r => r.ParticipantId).ToListAsync();
        Assert.Equal(new[] { people[0], people[1] }.Order(), checkedIn.Order());
    }

    [Fact]
    public async Task Check_in_opens_an_hour_before_the_start_and_closes_at_the_end_outside_it_409_says_when()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5, days: 3);
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            codes.Add((await arrange.RegisterAsync(session, Guid.NewGuid())).GetProperty("checkInCode").GetString()!);
        }
        var url = $"/api/workshops/sessions/{session}/check-ins";

        // Days ahead, then an hour and a half ahead: the doors are not open yet.
        var daysAhead = await arrange.Facilitator.PostAsJsonAsync(url, new { code = codes[0] });
        Assert.Equal(HttpStatusCode.Conflict, daysAhead.StatusCode);
        var early = await daysAhead.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/check-in-closed", early.GetProperty("type").GetString(), StringComparison.Ordinal);
        DateTimeOffset startsAt;
        await using (factory.Scope(out var db))
        {
            startsAt = (await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session)).StartsAt;
        }
        Assert.Equal(startsAt.AddHours(-1), early.GetProperty("opensAt").GetDateTimeOffset());
        Assert.Contains("opens at", early.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await arrange.DoorsOpenAsync(session, startsIn: TimeSpan.FromMinutes(90));
        var stillEarly = await arrange.Facilitator.PostAsJsonAsync(url, new { code = codes[0] });
        Assert.Equal(HttpStatusCode.Conflict, stillEarly.StatusCode);
        Assert.EndsWith("/check-in-closed", (await stillEarly.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);

        // Within the hour before the start, and after the start until the end: open.
        await arrange.DoorsOpenAsync(session, startsIn: TimeSpan.FromMinutes(50));
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync(url, new { code = codes[0] })).StatusCode);
        await arrange.MoveAsync(session, DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync(url, new { code = codes[1] })).StatusCode);

        // Once it has ended: closed, saying when.
        var endedAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        await arrange.MoveAsync(session, endedAt.AddHours(-3), endedAt);
        var late = await arrange.Facilitator.PostAsJsonAsync(url, new { code = codes[2] });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var closed = await late.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/check-in-closed", closed.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Contains("closed", closed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(endedAt.ToUnixTimeMilliseconds(), closed.GetProperty("closesAt").GetDateTimeOffset().ToUnixTimeMilliseconds());

        await using var scope = factory.Scope(out var check);
        Assert.Equal(2, await check.Registrations.CountAsync(r => r.SessionId == session && r.CheckedInAt != null));
        var summary = await arrange.Facilitator.GetFromJsonAsync<JsonElement>($"/api/workshops/sessions/{session}/attendance");
        Assert.Equal(1, summary.GetProperty("noShows").GetInt32());
    }

    [Fact]
    public async Task Unknown_other_sessions_and_waitlisted_codes_are_refused()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var session = await arrange.SessionAsync(workshop, capacity: 1);
        var other = await arrange.SessionAsync(workshop, capacity: 5);
        var elsewhere = await arrange.RegisterAsync(other, Guid.NewGuid());
        await arrange.RegisterAsync(session, Guid.NewGuid());
        var waitlisted = await arrange.RegisterAsync(session, Guid.NewGuid());
        string waitlistedCode;
        await using (factory.Scope(out var db))
        {
            waitlistedCode = (await db.Registrations.SingleAsync(r => r.Id == waitlisted.GetProperty("id").GetGuid())).CheckInCode;
        }
        await arrange.DoorsOpenAsync(session);
        var url = $"/api/workshops/sessions/{session}/check-ins";

        var unknown = await arrange.Facilitator.PostAsJsonAsync(url, new { code = "AAAAAAAAAAAAAAAAAAAAAAAAAA" });
        var wrongSession = await arrange.Facilitator.PostAsJsonAsync(url, new { code = elsewhere.GetProperty("checkInCode").GetString() });
        var notConfirmed = await arrange.Facilitator.PostAsJsonAsync(url, new { code = waitlistedCode });
        var empty = await arrange.Facilitator.PostAsJsonAsync(url, new { code = "  " });
        var notTheirs = await factory.ClientFor(Guid.NewGuid(), Roles.Facilitator).PostAsJsonAsync(url, new { code = elsewhere.GetProperty("checkInCode").GetString() });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongSession.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, notConfirmed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notTheirs.StatusCode);
        await using var scope = factory.Scope(out var check);
        Assert.False(await check.Registrations.AnyAsync(r => (r.SessionId == session || r.SessionId == other) && r.CheckedInAt != null));
    }

    [Fact]
    public async Task A_code_with_control_characters_gets_400_naming_the_code_and_checks_nobody_in()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5);
        var code = (await arrange.RegisterAsync(session, Guid.NewGuid())).GetProperty("checkInCode").GetString()!;
        var url = $"/api/workshops/sessions/{session}/check-ins";

        foreach (var scanned in new[] { code[..10] + "\u0000" + code[10..], code + "\u0000", $"agora:checkin:{session}:{code}\u001b" })
        {
            var response = await arrange.Facilitator.PostAsJsonAsync(url, new { code = scanned });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("code", out _));
        }
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Registrations.AnyAsync(r => r.SessionId == session && r.CheckedInAt != null));
    }

    [Fact]
    public async Task Simultaneous_scans_of_one_code_record_it_once()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5);
        var code = (await arrange.RegisterAsync(session, Guid.NewGuid())).GetProperty("checkInCode").GetString();
        await arrange.DoorsOpenAsync(session);

        var scans = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/check-ins", new { code })));

        Assert.Equal(1, scans.Count(s => s.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, scans.Count(s => s.StatusCode == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task An_attendee_gets_an_attendance_record_of_the_sessions_they_attended()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var attended = await arrange.SessionAsync(workshop, capacity: 5, days: 20);
        var missed = await arrange.SessionAsync(workshop, capacity: 5, days: 21);
        var me = Guid.NewGuid();
        var code = (await arrange.RegisterAsync(attended, me)).GetProperty("checkInCode").GetString();
        await arrange.RegisterAsync(missed, me);
        await arrange.DoorsOpenAsync(attended);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{attended}/check-ins", new { code })).StatusCode);

        var record = await Arrange.Participant(factory, me).GetFromJsonAsync<JsonElement>("/api/workshops/me/attendance");

        Assert.Equal(me, record.GetProperty("participantId").GetGuid());
        var s = Assert.Single(record.GetProperty("sessions").EnumerateArray());
        Assert.Equal(attended, s.GetProperty("sessionId").GetGuid());
        Assert.Equal("Justice sociale", s.GetProperty("title").GetProperty("fr").GetString());
        var someoneElse = await Arrange.Participant(factory, Guid.NewGuid()).GetFromJsonAsync<JsonElement>("/api/workshops/me/attendance");
        Assert.Empty(someoneElse.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task The_attendance_record_leaves_out_a_registration_cancelled_after_check_in_and_a_cancelled_session()
    {
        // Doors open early: people check in before the start; then one cancels their seat, and another session is called off.
        var workshop = await arrange.WorkshopAsync("open");
        var attended = await arrange.SessionAsync(workshop, capacity: 5, days: 20);
        var leftEarly = await arrange.SessionAsync(workshop, capacity: 5, days: 21);
        var calledOff = await arrange.SessionAsync(workshop, capacity: 5, days: 22);
        var me = Guid.NewGuid();
        var client = Arrange.Participant(factory, me);
        var registrations = new Dictionary<Guid, JsonElement>();
        foreach (var session in new[] { attended, leftEarly, calledOff })
        {
            registrations[session] = await arrange.RegisterAsync(session, me);
            await arrange.DoorsOpenAsync(session);
            Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{session}/check-ins",
                new { code = registrations[session].GetProperty("checkInCode").GetString() })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/workshops/registrations/{registrations[leftEarly].GetProperty("id").GetGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{calledOff}/cancel", new { reason = "Salle inondée" })).StatusCode);

        var record = await client.GetFromJsonAsync<JsonElement>("/api/workshops/me/attendance");

        // As the sessions' attendance counts say: only the confirmed seat of a session that took place.
        Assert.Equal([attended], record.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionId").GetGuid()).ToArray());
        foreach (var session in new[] { leftEarly, calledOff })
        {
            var summary = await arrange.Facilitator.GetFromJsonAsync<JsonElement>($"/api/workshops/sessions/{session}/attendance");
            Assert.Equal(0, summary.GetProperty("attended").GetInt32());
        }
    }
}
