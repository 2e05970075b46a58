using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Contracts.Workshops;
using Agora.Notifications.Deliveries;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Tests.Functional;

public sealed class AnnouncementsTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    private readonly HttpClient steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);

    private static object Announcement(string segment) => new
    {
        segment,
        titles = new Dictionary<string, string> { ["ar"] = "إعلان هام", ["fr"] = "Annonce importante" },
        bodies = new Dictionary<string, string> { ["ar"] = "تنطلق الجلسة العامة غدًا.", ["fr"] = "La plénière commence demain." },
    };

    [Fact]
    public async Task An_announcement_to_a_governorate_reaches_each_of_its_participants_once_through_batches()
    {
        var governorate = "gov-" + new string(Guid.NewGuid().ToString("N").Select(c => (char)('a' + (c % 26))).Take(8).ToArray());
        var inside = new[] { await factory.ParticipantAsync("ar", governorate: governorate), await factory.ParticipantAsync("fr", governorate: governorate), await factory.ParticipantAsync("en", governorate: governorate) };
        var outside = await factory.ParticipantAsync("ar", governorate: "tunis");

        var response = await steering.PostAsJsonAsync("/api/notifications/announcements", Announcement($"governorate:{governorate}"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, accepted.GetProperty("recipients").GetInt32());
        Assert.Equal(2, accepted.GetProperty("batches").GetInt32());
        foreach (var id in inside)
        {
            await factory.WaitForDeliveriesAsync(id, d => d.Count(x => x.Status == DeliveryStatus.Sent) == 2, "inbox and email");
        }
        await using var scope = factory.Scope(out var db);
        var announcementId = accepted.GetProperty("id").GetGuid();
        Assert.Equal(6, await db.Deliveries.CountAsync(d => d.EventId == announcementId));
        Assert.Empty(await factory.DeliveriesAsync(outside));
        var titles = await db.Notifications.Where(n => inside.Contains(n.ParticipantId)).OrderBy(n => n.ParticipantId).Select(n => new { n.ParticipantId, n.Title, n.Language }).ToListAsync();
        Assert.Equal("Annonce importante", titles.Single(t => t.ParticipantId == inside[1]).Title);
        Assert.Equal(("إعلان هام", "ar"), (titles.Single(t => t.ParticipantId == inside[2]).Title, titles.Single(t => t.ParticipantId == inside[2]).Language));
        Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(inside[1])), m => m.Subject == "Annonce importante");
    }

    [Fact]
    public async Task A_workshop_segment_uses_confirmed_registrations_and_a_kind_segment_the_participants_kind()
    {
        var workshop = Guid.NewGuid();
        var attendee = await factory.ParticipantAsync("fr", kind: "organization");
        var waitlisted = await factory.ParticipantAsync("fr", kind: "organization");
        var now = DateTimeOffset.UtcNow;
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), Guid.NewGuid(), workshop, attendee, "confirmed", now.AddDays(5), now));
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), Guid.NewGuid(), workshop, waitlisted, "waitlisted", now.AddDays(5), now));
        await factory.WaitForDeliveriesAsync(waitlisted, d => d.Count > 0, "registrations handled");
        await factory.WaitForDeliveriesAsync(attendee, d => d.Count > 0, "registrations handled");

        var toWorkshop = await steering.PostAsJsonAsync("/api/notifications/announcements", Announcement($"workshop:{workshop}"));
        var toKind = await steering.PostAsJsonAsync("/api/notifications/announcements", Announcement("kind:organization"));

        Assert.Equal(1, (await toWorkshop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recipients").GetInt32());
        Assert.True((await toKind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recipients").GetInt32() >= 2);
        await factory.WaitForDeliveriesAsync(attendee, d => d.Count(x => x.TemplateKey == "announcement" && x.Channel == "inapp") == 2, "both announcements");
        await factory.WaitForDeliveriesAsync(waitlisted, d => d.Count(x => x.TemplateKey == "announcement" && x.Channel == "inapp") == 1, "the kind announcement only");
    }

    [Fact]
    public async Task An_empty_segment_gets_422_and_bad_requests_get_400_or_403()
    {
        var empty = await steering.PostAsJsonAsync("/api/notifications/announcements", Announcement($"workshop:{Guid.NewGuid()}"));
        var invalid = await steering.PostAsJsonAsync("/api/notifications/announcements", new
        {
            segment = "party:left",
            titles = new Dictionary<string, string> { ["de"] = "Hallo", ["fr"] = "Titre" },
            bodies = new Dictionary<string, string>(),
        });
        var forbidden = await factory.ClientFor(Guid.NewGuid(), Roles.Participant).PostAsJsonAsync("/api/notifications/announcements", Announcement("everyone"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/empty-segment", (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var fields = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["bodies.fr", "segment", "titles.de"], fields);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        await using var scope = factory.Scope(out var db);
        Assert.Equal(0, await db.Announcements.CountAsync(a => a.Segment.StartsWith("party")));
    }
}
