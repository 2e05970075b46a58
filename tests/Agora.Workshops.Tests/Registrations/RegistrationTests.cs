using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Workshops.Profiles;
using Agora.Workshops.Registrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Workshops.Tests.Registrations;

public sealed class RegistrationTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task Two_hundred_simultaneous_registrations_for_fifty_seats_confirm_exactly_fifty_in_arrival_order()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 50);
        var participants = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToList();
        var clients = participants.Select(p => Arrange.Participant(factory, p)).ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // All 200 wait on one gate, then go at once.
        var pending = clients.Select(c => Task.Run(async () =>
        {
            await start.Task;
            return await c.PostAsync($"/api/workshops/sessions/{session}/registrations", null);
        })).ToList();
        start.SetResult();
        var responses = await Task.WhenAll(pending);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(50, bodies.Count(b => b.GetProperty("status").GetString() == "confirmed"));
        Assert.Equal(150, bodies.Count(b => b.GetProperty("status").GetString() == "waitlisted"));

        await using var scope = factory.Scope(out var db);
        var stored = await db.Registrations.AsNoTracking().Where(r => r.SessionId == session).OrderBy(r => r.Sequence).ToListAsync();
        Assert.Equal(200, stored.Count);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), stored.Select(r => r.Sequence));
        // Arrival order is the order the session's lock was obtained: the first fifty hold the seats.
        Assert.All(stored.Take(50), r => Assert.Equal(RegistrationStatus.Confirmed, r.Status));
        Assert.All(stored.Skip(50), r => Assert.Equal(RegistrationStatus.Waitlisted, r.Status));
        Assert.Equal(200, stored.Select(r => r.ParticipantId).Distinct().Count());
        Assert.Equal(200, stored.Select(r => r.CheckInCode).Distinct().Count());
        // Each caller was told the place it actually holds.
        foreach (var b in bodies.Where(b => b.GetProperty("status").GetString() == "waitlisted"))
        {
            Assert.Equal(b.GetProperty("sequence").GetInt64() - 50, b.GetProperty("position").GetInt32());
        }
        Assert.Equal(200, (await arrange.EventsAsync("SessionRegistrationConfirmed", session)).Count);
        Assert.Equal(200L, (await db.Sessions.SingleAsync(s => s.Id == session)).RegistrationSequence);
    }

    [Fact]
    public async Task Registering_twice_gets_409_and_writes_nothing_more()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5);
        var me = Guid.NewGuid();
        await arrange.RegisterAsync(session, me);

        var again = await Arrange.Participant(factory, me).PostAsync($"/api/workshops/sessions/{session}/registrations", null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.EndsWith("/already-registered", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        await using var scope = factory.Scope(out var db);
        Assert.Equal(1, await db.Registrations.CountAsync(r => r.SessionId == session));
        Assert.Single(await arrange.EventsAsync("SessionRegistrationConfirmed", session));
    }

    [Fact]
    public async Task Simultaneous_double_registration_by_one_person_keeps_one()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5);
        var client = Arrange.Participant(factory, Guid.NewGuid());

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsync($"/api/workshops/sessions/{session}/registrations", null)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task A_closed_workshop_or_a_past_session_refuses_registrations()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var session = await arrange.SessionAsync(workshop, capacity: 5);
        foreach (var status in new[] { "in_progress", "closed" })
        {
            await arrange.Steering.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/status", new { status });
        }
        var closed = await Arrange.Participant(factory, Guid.NewGuid()).PostAsync($"/api/workshops/sessions/{session}/registrations", null);
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.EndsWith("/registration-closed", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);

        var past = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5);
        await using (factory.Scope(out var db))
        {
            await db.Sessions.Where(s => s.Id == past).ExecuteUpdateAsync(s => s.SetProperty(x => x.StartsAt, DateTimeOffset.UtcNow.AddHours(-1)));
        }
        var late = await Arrange.Participant(factory, Guid.NewGuid()).PostAsync($"/api/workshops/sessions/{past}/registrations", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.StatusCode);

        await using var scope = factory.Scope(out var check);
        Assert.False(await check.Registrations.AnyAsync(r => r.SessionId == session || r.SessionId == past));
    }

    [Fact]
    public async Task The_registry_decides_eligibility()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 5);
        var pending = Guid.NewGuid();
        var unreachable = Guid.NewGuid();
        factory.Eligibility.Set(pending, Agora.Workshops.Eligibility.EligibilityAnswer.NotEligible);
        factory.Eligibility.Set(unreachable, Agora.Workshops.Eligibility.EligibilityAnswer.RegistryUnavailable);

        var refused = await Arrange.Participant(factory, pending).PostAsync($"/api/workshops/sessions/{session}/registrations", null);
        var unavailable = await Arrange.Participant(factory, unreachable).PostAsync($"/api/workshops/sessions/{session}/registrations", null);
        var unknownSession = await Arrange.Participant(factory, Guid.NewGuid()).PostAsync($"/api/workshops/sessions/{Guid.NewGuid()}/registrations", null);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.EndsWith("/not-eligible", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownSession.StatusCode);
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Registrations.AnyAsync(r => r.SessionId == session));
    }

    [Fact]
    public async Task Cancelling_a_confirmed_seat_promotes_the_first_on_the_waitlist()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 2);
        var people = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var regs = new List<JsonElement>();
        foreach (var p in people)
        {
            regs.Add(await arrange.RegisterAsync(session, p));
        }
        Assert.Equal(["confirmed", "confirmed", "waitlisted", "waitlisted"], regs.Select(r => r.GetProperty("status").GetString()));
        Assert.Null(regs[2].GetProperty("checkInCode").GetString());

        var someoneElse = await Arrange.Participant(factory, people[3]).DeleteAsync($"/api/workshops/registrations/{regs[0].GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, someoneElse.StatusCode);
        var cancel = await Arrange.Participant(factory, people[0]).DeleteAsync($"/api/workshops/registrations/{regs[0].GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        var twice = await Arrange.Participant(factory, people[0]).DeleteAsync($"/api/workshops/registrations/{regs[0].GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        var third = await Arrange.Participant(factory, people[2]).GetFromJsonAsync<JsonElement>($"/api/workshops/registrations/{regs[2].GetProperty("id").GetGuid()}");
        var fourth = await Arrange.Participant(factory, people[3]).GetFromJsonAsync<JsonElement>($"/api/workshops/registrations/{regs[3].GetProperty("id").GetGuid()}");
        Assert.Equal("confirmed", third.GetProperty("status").GetString());
        Assert.Equal(26, third.GetProperty("checkInCode").GetString()!.Length);
        Assert.Equal("waitlisted", fourth.GetProperty("status").GetString());
        Assert.Equal(1, fourth.GetProperty("position").GetInt32());
        var promoted = Assert.Single(await arrange.EventsAsync("WaitlistPromoted", session));
        Assert.Equal(people[2], promoted.GetProperty("participantId").GetGuid());

        // The cancelled participant may come back, at the end of the line.
        var back = await arrange.RegisterAsync(session, people[0]);
        Assert.Equal("waitlisted", back.GetProperty("status").GetString());
        Assert.Equal(2, back.GetProperty("position").GetInt32());
    }

    [Fact]
    public async Task Reserved_seats_are_kept_for_their_constituency_until_released_before_the_session()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 4, days: 30,
            reservedSeats: [new { constituency = "ageBand:18-24", seats = 2 }]);
        var young = Guid.NewGuid();
        var others = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        await using (factory.Scope(out var db))
        {
            db.Profiles.Add(new ParticipantProfile { ParticipantId = young, Kind = "individual", AgeBand = "18-24", Governorate = "kasserine", ChangedAt = DateTimeOffset.UtcNow });
            db.Profiles.Add(new ParticipantProfile { ParticipantId = others[0], Kind = "individual", AgeBand = "35-49", ChangedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var statuses = new List<string?>();
        foreach (var p in others)
        {
            statuses.Add((await arrange.RegisterAsync(session, p)).GetProperty("status").GetString());
        }
        var youngReg = await arrange.RegisterAsync(session, young);

        Assert.Equal(["confirmed", "confirmed", "waitlisted"], statuses);
        Assert.Equal("confirmed", youngReg.GetProperty("status").GetString());
        Assert.Equal("ageBand:18-24", youngReg.GetProperty("seatPool").GetString());

        await using var scope = factory.Scope(out var check);
        var startsAt = (await check.Sessions.SingleAsync(s => s.Id == session)).StartsAt;
        await ReservedSeatRelease.ReleaseDueAsync(check, startsAt - TimeSpan.FromHours(25), TimeSpan.FromHours(24), CancellationToken.None);
        Assert.Null((await check.Sessions.AsNoTracking().SingleAsync(s => s.Id == session)).ReservationsReleasedAt);
        Assert.Equal(RegistrationStatus.Waitlisted, (await check.Registrations.AsNoTracking().SingleAsync(r => r.ParticipantId == others[2])).Status);

        await ReservedSeatRelease.ReleaseDueAsync(check, startsAt - TimeSpan.FromHours(23), TimeSpan.FromHours(24), CancellationToken.None);

        Assert.NotNull((await check.Sessions.AsNoTracking().SingleAsync(s => s.Id == session)).ReservationsReleasedAt);
        Assert.Equal(RegistrationStatus.Confirmed, (await check.Registrations.AsNoTracking().SingleAsync(r => r.ParticipantId == others[2])).Status);
        Assert.Equal(4, await check.Registrations.CountAsync(r => r.SessionId == session && r.Status == RegistrationStatus.Confirmed));
        var promoted = Assert.Single(await arrange.EventsAsync("WaitlistPromoted", session));
        Assert.Equal(others[2], promoted.GetProperty("participantId").GetGuid());
    }

    [Fact]
    public async Task The_roster_does_not_tell_a_registrants_constituency_through_their_reserved_seat()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 4, days: 30,
            reservedSeats: [new { constituency = "gender:female", seats = 1 }, new { constituency = "occupation:unemployed", seats = 1 }]);
        var woman = Guid.NewGuid();
        var unemployed = Guid.NewGuid();
        await using (factory.Scope(out var db))
        {
            db.Profiles.Add(new ParticipantProfile { ParticipantId = woman, Kind = "individual", Gender = "female", ChangedAt = DateTimeOffset.UtcNow });
            db.Profiles.Add(new ParticipantProfile { ParticipantId = unemployed, Kind = "individual", Occupation = "unemployed", ChangedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        // Each takes the seat kept for their constituency, and sees so on their own registration.
        Assert.Equal("gender:female", (await arrange.RegisterAsync(session, woman)).GetProperty("seatPool").GetString());
        Assert.Equal("occupation:unemployed", (await arrange.RegisterAsync(session, unemployed)).GetProperty("seatPool").GetString());

        // Consented attributes are for aggregates only: the roster names people by id, never with their gender or occupation.
        foreach (var reader in new[] { arrange.Facilitator, arrange.Steering })
        {
            var response = await reader.GetAsync($"/api/workshops/sessions/{session}/registrations");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            var roster = JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();
            Assert.Equal(new[] { woman, unemployed }.Order(), roster.Select(e => e.GetProperty("participantId").GetGuid()).Order());
            Assert.DoesNotContain("female", body, StringComparison.Ordinal);
            Assert.DoesNotContain("unemployed", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_registrations_check_in_code_and_seat_pool_are_shown_to_its_owner_only_not_to_steering_reading_it()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 2, reservedSeats: [new { constituency = "ageBand:18-24", seats = 1 }]);
        var owner = Guid.NewGuid();
        await using (factory.Scope(out var db))
        {
            db.Profiles.Add(new ParticipantProfile { ParticipantId = owner, Kind = "individual", AgeBand = "18-24", ChangedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var registration = await arrange.RegisterAsync(session, owner);
        var id = registration.GetProperty("id").GetGuid();
        var code = registration.GetProperty("checkInCode").GetString();
        Assert.False(string.IsNullOrEmpty(code));

        var mine = await Arrange.Participant(factory, owner).GetFromJsonAsync<JsonElement>($"/api/workshops/registrations/{id}");
        Assert.Equal(code, mine.GetProperty("checkInCode").GetString());
        Assert.Equal("ageBand:18-24", mine.GetProperty("seatPool").GetString());

        // Steering reads anyone's registration, but the code is the holder's pass at the door.
        var read = await arrange.Steering.GetAsync($"/api/workshops/registrations/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await read.Content.ReadAsStringAsync();
        var view = JsonDocument.Parse(body).RootElement;
        Assert.Equal("confirmed", view.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("checkInCode").ValueKind);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("qr").ValueKind);
        Assert.DoesNotContain(code!, body, StringComparison.Ordinal);
        Assert.DoesNotContain("18-24", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_release_service_runs_on_its_clock()
    {
        var session = await arrange.SessionAsync(await arrange.WorkshopAsync("open"), capacity: 1, days: 50,
            reservedSeats: [new { constituency = "region:interior", seats = 1 }]);
        var waiting = Guid.NewGuid();
        Assert.Equal("waitlisted", (await arrange.RegisterAsync(session, waiting)).GetProperty("status").GetString());
        DateTimeOffset startsAt;
        await using (factory.Scope(out var db))
        {
            startsAt = (await db.Sessions.SingleAsync(s => s.Id == session)).StartsAt;
        }
        var clock = new FakeTimeProvider(startsAt - TimeSpan.FromHours(2) - TimeSpan.FromMinutes(10));
        using var service = new ReservedSeatRelease(factory.Services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new ReservedSeatsOptions { ReleaseBefore = TimeSpan.FromHours(2), PollInterval = TimeSpan.FromMinutes(1) }),
            clock, NullLogger<ReservedSeatRelease>.Instance);

        await service.StartAsync(CancellationToken.None);
        // Each probe moves the service's clock a minute on; the seat is released once two hours remain, not before.
        await Agora.Testing.Eventually.UntilAsync(async () =>
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            return await StatusOfAsync(waiting) == "confirmed";
        }, because: "the release is due two hours before the session");
        await service.StopAsync(CancellationToken.None);

        await using var scope = factory.Scope(out var check);
        var releasedAt = (await check.Sessions.SingleAsync(s => s.Id == session)).ReservationsReleasedAt;
        Assert.NotNull(releasedAt);
        Assert.True(releasedAt >= startsAt - TimeSpan.FromHours(2), $"released at {releasedAt}, session at {startsAt}");
        Assert.True(releasedAt <= clock.GetUtcNow());
    }

    private async Task<string> StatusOfAsync(Guid participant)
    {
        await using var scope = factory.Scope(out var db);
        return (await db.Registrations.AsNoTracking().SingleAsync(r => r.ParticipantId == participant)).Status;
    }
}
