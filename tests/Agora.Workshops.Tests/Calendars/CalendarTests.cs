using System.Net;
using System.Net.Http.Json;
using System.Text;
using Agora.Workshops.Calendars;
using Ical.Net;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Tests.Calendars;

public sealed class CalendarTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task The_feed_lists_a_participants_sessions_in_Tunis_time_and_parses_back()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var first = await arrange.SessionAsync(workshop, capacity: 5, days: 33);
        var full = await arrange.SessionAsync(workshop, capacity: 1, days: 34);
        var notMine = await arrange.SessionAsync(workshop, capacity: 5, days: 35);
        var me = Guid.NewGuid();
        await arrange.RegisterAsync(full, Guid.NewGuid());
        await arrange.RegisterAsync(first, me);
        await arrange.RegisterAsync(full, me);
        await arrange.RegisterAsync(notMine, Guid.NewGuid());

        var response = await Arrange.Participant(factory, me).GetAsync("/api/workshops/me/calendar.ics?lang=fr");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var calendar = Calendar.Load(text)!;
        Assert.Contains(calendar.TimeZones, tz => tz.TzId == "Africa/Tunis");
        var events = calendar.Events.OrderBy(e => e.DtStart!.AsUtc).ToList();
        Assert.Equal(2, events.Count);
        await using var scope = factory.Scope(out var db);
        var stored = await db.Sessions.Where(s => s.Id == first || s.Id == full).OrderBy(s => s.StartsAt).ToListAsync();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal($"{stored[i].Id:D}@agora", events[i].Uid);
            Assert.Equal("Africa/Tunis", events[i].DtStart!.TzId);
            Assert.Equal(9, events[i].DtStart!.Value.Hour);
            Assert.Equal(12, events[i].DtEnd!.Value.Hour);
            Assert.Equal(stored[i].StartsAt.UtcDateTime, events[i].DtStart!.AsUtc);
            Assert.Equal(stored[i].EndsAt.UtcDateTime, events[i].DtEnd!.AsUtc);
            Assert.Equal("Justice sociale", events[i].Summary);
        }
        Assert.Equal("CONFIRMED", events[0].Status);
        Assert.Equal("TENTATIVE", events[1].Status);
        Assert.Equal("Cité de la culture, Tunis, " + stored[0].Room, events[0].Location);
    }

    [Fact]
    public void Long_texts_are_folded_at_75_octets_and_escaped_and_come_back_whole()
    {
        var summary = "ورشة العدالة الاجتماعية؛ الحق في الشغل, الكرامة; والحرية \\ " + string.Concat(Enumerable.Repeat("والمساواة بين الجهات ", 8));
        var description = "Ligne 1\nLigne 2, avec virgule; et point-virgule";
        var start = new DateTimeOffset(2027, 3, 15, 8, 0, 0, TimeSpan.Zero);
        var text = ICalendarWriter.Write("Agora", [new CalendarEvent(Guid.NewGuid(), start, start.AddHours(3), summary, description, "Sfax", "https://meet.example.tn/a", false, false)],
            DateTimeOffset.UtcNow);

        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var lines = text.Split("\r\n");
        Assert.All(lines, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= 75, $"{Encoding.UTF8.GetByteCount(l)} octets: {l}"));
        Assert.Contains(lines, l => l.StartsWith(' '));
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)));
        var e = Assert.Single(Calendar.Load(text)!.Events);
        Assert.Equal(summary, e.Summary);
        Assert.Equal(description, e.Description);
        Assert.Contains("DTSTART;TZID=Africa/Tunis:20270315T090000", text, StringComparison.Ordinal);
        Assert.Equal(start.UtcDateTime, e.DtStart!.AsUtc);
    }

    [Fact]
    public void A_character_with_more_combining_marks_than_a_line_holds_is_still_folded_at_75_octets()
    {
        // One user-perceived character of 81 octets (a letter and 40 combining accents): no line may carry it whole.
        var heavy = "e" + new string('\u0301', 40);
        var summary = "Atelier " + heavy + " fin";
        var start = new DateTimeOffset(2027, 3, 15, 8, 0, 0, TimeSpan.Zero);
        var text = ICalendarWriter.Write("Agora", [new CalendarEvent(Guid.NewGuid(), start, start.AddHours(1), summary, null, null, null, false, false)],
            DateTimeOffset.UtcNow);

        var lines = text.Split("\r\n");
        Assert.All(lines, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= 75, $"{Encoding.UTF8.GetByteCount(l)} octets: {l}"));
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(summary, Assert.Single(Calendar.Load(text)!.Events).Summary);
    }

    [Fact]
    public async Task The_feed_needs_a_signed_in_participant_and_a_known_language()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/workshops/me/calendar.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Arrange.Participant(factory, Guid.NewGuid()).GetAsync("/api/workshops/me/calendar.ics?lang=de")).StatusCode);
    }
}
