using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Tests.Programme;

public sealed class ProgrammeTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task A_session_entered_in_Tunis_time_is_stored_in_UTC_and_announced()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var response = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/sessions", new
        {
            start = Arrange.Local(40, 9, 30),
            end = Arrange.Local(40, 12),
            mode = "hybrid",
            venue = "Maison des jeunes, Sidi Bouzid",
            room = $"salle-{Guid.NewGuid():N}",
            link = "https://meet.example.tn/justice",
            capacity = 80,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        var startsAt = body.GetProperty("startsAt").GetDateTimeOffset();
        // Tunis is UTC+01:00 all year: 09:30 local is 08:30 UTC.
        Assert.Equal(TimeSpan.Zero, startsAt.Offset);
        Assert.Equal(new TimeSpan(8, 30, 0), startsAt.UtcDateTime.TimeOfDay);
        Assert.Equal(Arrange.Local(40, 9, 30) + ":00", body.GetProperty("startsAtLocal").GetString());
        Assert.Equal("Africa/Tunis", body.GetProperty("timeZone").GetString());

        await using (factory.Scope(out var db))
        {
            var stored = await db.Sessions.SingleAsync(s => s.Id == id);
            Assert.Equal(startsAt, stored.StartsAt);
            Assert.Equal(new TimeSpan(11, 0, 0), stored.EndsAt.UtcDateTime.TimeOfDay);
        }
        var evt = Assert.Single(await arrange.EventsAsync("WorkshopSessionScheduled", id));
        Assert.Equal("social-justice", evt.GetProperty("theme").GetString());
        Assert.Equal("hybrid", evt.GetProperty("mode").GetString());
        Assert.Equal(startsAt, evt.GetProperty("startsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Everyone_sees_the_programme_but_not_drafts()
    {
        var theme = $"theme-{Guid.NewGuid():N}";
        var open = await arrange.WorkshopAsync("open", theme);
        var draft = await arrange.WorkshopAsync("draft", theme);
        await arrange.SessionAsync(open, 30);
        var anonymous = factory.CreateClient();

        var list = await anonymous.GetFromJsonAsync<JsonElement>($"/api/workshops/workshops?theme={theme}");

        var w = Assert.Single(list.EnumerateArray());
        Assert.Equal(open, w.GetProperty("id").GetGuid());
        Assert.Equal("العدالة الاجتماعية", w.GetProperty("title").GetProperty("ar").GetString());
        Assert.Single(w.GetProperty("sessions").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/workshops/workshops/{draft}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.GetAsync($"/api/workshops/workshops/{draft}")).StatusCode);
    }

    [Fact]
    public async Task A_NUL_character_in_the_programmes_theme_filter_gets_400_not_500()
    {
        var response = await factory.CreateClient().GetAsync("/api/workshops/workshops?theme=%00");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/unstorable-character", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_moves_one_step_at_a_time_and_skips_get_409()
    {
        var id = await arrange.WorkshopAsync("draft");
        var skip = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{id}/status", new { status = "closed" });
        Assert.Equal(HttpStatusCode.Conflict, skip.StatusCode);
        Assert.EndsWith("/invalid-status-transition", (await skip.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{id}/status", new { status = "open" })).StatusCode);
        var back = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{id}/status", new { status = "draft" });
        Assert.Equal(HttpStatusCode.Conflict, back.StatusCode);
        var unknown = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{id}/status", new { status = "archived" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        await using var scope = factory.Scope(out var db);
        Assert.Equal("open", (await db.Workshops.SingleAsync(w => w.Id == id)).Status);
    }

    [Fact]
    public async Task Only_steering_and_the_workshops_own_facilitators_manage_it()
    {
        var id = await arrange.WorkshopAsync("draft");
        var otherFacilitator = factory.ClientFor(Guid.NewGuid(), Roles.Facilitator);
        var participant = factory.ClientFor(Guid.NewGuid(), Roles.Participant);

        Assert.Equal(HttpStatusCode.Forbidden, (await otherFacilitator.PostAsJsonAsync($"/api/workshops/workshops/{id}/status", new { status = "open" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await participant.PostAsJsonAsync($"/api/workshops/workshops/{id}/status", new { status = "open" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsJsonAsync("/api/workshops/workshops", Arrange.WorkshopBody([], []))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await arrange.Facilitator.PostAsJsonAsync("/api/workshops/workshops", Arrange.WorkshopBody([], []))).StatusCode);
        var session = await otherFacilitator.PostAsJsonAsync($"/api/workshops/workshops/{id}/sessions",
            new { start = Arrange.Local(30, 9), end = Arrange.Local(30, 10), mode = "online", link = "https://meet.example.tn/x", capacity = 10 });
        Assert.Equal(HttpStatusCode.Forbidden, session.StatusCode);
        // A facilitator edits texts but does not name facilitators.
        var takeover = await arrange.Facilitator.PutAsJsonAsync($"/api/workshops/workshops/{id}", Arrange.WorkshopBody([arrange.FacilitatorId, Guid.NewGuid()], [arrange.RapporteurId]));
        Assert.Equal(HttpStatusCode.Forbidden, takeover.StatusCode);
        var edit = await arrange.Facilitator.PutAsJsonAsync($"/api/workshops/workshops/{id}", Arrange.WorkshopBody([arrange.FacilitatorId], [arrange.RapporteurId], "land-and-water"));
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal("land-and-water", (await edit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("theme").GetString());
    }

    [Fact]
    public async Task Workshop_without_its_three_titles_gets_400_listing_them()
    {
        var response = await arrange.Steering.PostAsJsonAsync("/api/workshops/workshops",
            new { theme = " ", title = new { ar = "ورشة", fr = "", en = (string?)null }, facilitatorIds = new[] { Guid.Empty } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["facilitatorIds", "theme", "title.en", "title.fr"], fields);
    }

    [Fact]
    public async Task More_than_fifty_facilitators_or_rapporteurs_get_400_and_fifty_are_taken()
    {
        var tooMany = await arrange.Steering.PostAsJsonAsync("/api/workshops/workshops",
            Arrange.WorkshopBody([.. Enumerable.Range(0, 51).Select(_ => Guid.NewGuid())], [.. Enumerable.Range(0, 20_000).Select(_ => Guid.NewGuid())]));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var fields = (await tooMany.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["facilitatorIds", "rapporteurIds"], fields);

        var fifty = await arrange.Steering.PostAsJsonAsync("/api/workshops/workshops",
            Arrange.WorkshopBody([.. Enumerable.Range(0, 50).Select(_ => Guid.NewGuid())], [arrange.RapporteurId]));
        Assert.Equal(HttpStatusCode.Created, fifty.StatusCode);
        // The same person named twice counts once.
        var repeated = await arrange.Steering.PostAsJsonAsync("/api/workshops/workshops",
            Arrange.WorkshopBody([.. Enumerable.Repeat(arrange.FacilitatorId, 51)], [arrange.RapporteurId]));
        Assert.Equal(HttpStatusCode.Created, repeated.StatusCode);
    }

    [Fact]
    public async Task Control_characters_in_a_workshops_texts_get_400_naming_each_field_and_nothing_is_written()
    {
        var marker = $"Atelier {Guid.NewGuid():N}";
        var body = new
        {
            theme = "eau\u0000",
            title = new { ar = "العدالة", fr = marker, en = "Justice\u001b" },
            description = new { ar = "سطر\nسطر", fr = "Ligne 1\n\tLigne 2", en = "A bell\u0007" },
        };

        var response = await arrange.Steering.PostAsJsonAsync("/api/workshops/workshops", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["description.en", "theme", "title.en"], fields);
        await using (factory.Scope(out var db))
        {
            Assert.False(await db.Workshops.AnyAsync(w => w.TitleFr == marker));
        }
        // Line breaks and tabs are fine in a description.
        var fine = await arrange.Steering.PostAsJsonAsync("/api/workshops/workshops",
            new { theme = "water", title = new { ar = "العدالة", fr = marker, en = "Justice" }, description = new { ar = "سطر\nسطر", fr = "Ligne 1\n\tLigne 2", en = "Two\r\nlines" } });
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
    }

    public static TheoryData<string, string, string, string?, string?, string?, int, string> BadSessions => new()
    {
        { Arrange.Local(30, 12), Arrange.Local(30, 9), "in_person", "Tunis", "A", null, 10, "end" },
        { Arrange.Local(30, 9), Arrange.Local(30, 9), "in_person", "Tunis", "A", null, 10, "end" },
        { Arrange.Local(30, 9), Arrange.Local(30, 12), "in_person", "Tunis", "A", null, 0, "capacity" },
        { Arrange.Local(30, 9), Arrange.Local(30, 12), "in_person", "Tunis", "A", null, -5, "capacity" },
        { Arrange.Local(30, 9), Arrange.Local(30, 12), "online", null, null, null, 10, "link" },
        { Arrange.Local(30, 9), Arrange.Local(30, 12), "online", null, null, "javascript:alert(1)", 10, "link" },
        { Arrange.Local(30, 9), Arrange.Local(30, 12), "in_person", "Tunis", null, null, 10, "room" },
        { Arrange.Local(30, 9), Arrange.Local(30, 12), "by_carrier_pigeon", null, null, null, 10, "mode" },
        { "15/03/2027 09:00", Arrange.Local(30, 12), "in_person", "Tunis", "A", null, 10, "start" },
        { Arrange.Local(-2, 9), Arrange.Local(-2, 12), "in_person", "Tunis", "A", null, 10, "start" },
        { Arrange.Local(30, 9), Arrange.Local(30, 12), "in_person", "Tunis\u001b", "A", null, 10, "venue" },
        { Arrange.Local(30, 9), Arrange.Local(30, 12), "in_person", "Tunis", "A\u0007", null, 10, "room" },
        { Arrange.Local(30, 9), Arrange.Local(30, 12), "online", null, null, "https://meet.example.tn/r\u0000", 10, "link" },
    };

    [Theory]
    [MemberData(nameof(BadSessions))]
    public async Task Bad_sessions_get_400_naming_the_field_and_nothing_is_written(string start, string end, string mode, string? venue, string? room, string? link, int capacity, string field)
    {
        var workshop = await arrange.WorkshopAsync("open");
        var response = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/sessions",
            new { start, end, mode, venue, room, link, capacity });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected an error on {field}: {errors}");
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Sessions.AnyAsync(s => s.WorkshopId == workshop));
        Assert.Empty(await arrange.EventsAsync("WorkshopSessionScheduled", workshop));
    }

    [Fact]
    public async Task A_null_reserved_seat_gets_400_naming_it_and_nothing_is_written()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var response = await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/sessions", new
        {
            start = Arrange.Local(30, 9),
            end = Arrange.Local(30, 12),
            mode = "in_person",
            venue = "Tunis",
            room = $"room-{Guid.NewGuid():N}",
            capacity = 10,
            reservedSeats = new object?[] { new { constituency = "ageBand:18-24", seats = 2 }, null },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("reservedSeats[1]", out _), $"expected an error on reservedSeats[1]: {errors}");
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Sessions.AnyAsync(s => s.WorkshopId == workshop));
        Assert.Empty(await arrange.EventsAsync("WorkshopSessionScheduled", workshop));
    }

    [Fact]
    public async Task Overlapping_sessions_in_the_same_room_get_409_but_other_rooms_and_times_are_fine()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var room = $"Salle {Guid.NewGuid():N}";
        object Body(string start, string end, string r) => new { start, end, mode = "in_person", venue = "Cité de la culture", room = r, capacity = 20 };
        var url = $"/api/workshops/workshops/{workshop}/sessions";

        Assert.Equal(HttpStatusCode.Created, (await arrange.Facilitator.PostAsJsonAsync(url, Body(Arrange.Local(30, 9), Arrange.Local(30, 12), room))).StatusCode);
        var overlap = await arrange.Facilitator.PostAsJsonAsync(url, Body(Arrange.Local(30, 11), Arrange.Local(30, 13), room.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.Conflict, overlap.StatusCode);
        Assert.EndsWith("/room-overlap", (await overlap.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await arrange.Facilitator.PostAsJsonAsync(url, Body(Arrange.Local(30, 12), Arrange.Local(30, 14), room))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await arrange.Facilitator.PostAsJsonAsync(url, Body(Arrange.Local(30, 9), Arrange.Local(30, 12), room + "-b"))).StatusCode);

        await using var scope = factory.Scope(out var db);
        Assert.Equal(3, await db.Sessions.CountAsync(s => s.WorkshopId == workshop));
        Assert.Equal(3, (await arrange.EventsAsync("WorkshopSessionScheduled", workshop)).Count);
    }

    [Fact]
    public async Task Concurrent_bookings_of_one_room_let_exactly_one_through()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var room = $"amphi-{Guid.NewGuid():N}";
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => arrange.Facilitator.PostAsJsonAsync(
            $"/api/workshops/workshops/{workshop}/sessions",
            new { start = Arrange.Local(31, 9, i), end = Arrange.Local(31, 11), mode = "in_person", venue = "Sfax", room, capacity = 5 })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(11, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        await using var scope = factory.Scope(out var db);
        Assert.Equal(1, await db.Sessions.CountAsync(s => s.WorkshopId == workshop));
    }
}
