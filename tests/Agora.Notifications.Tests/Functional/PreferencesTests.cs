using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Contracts.Charter;
using Agora.Contracts.Registry;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Templates;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Tests.Functional;

public sealed class PreferencesTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    [Fact]
    public async Task Defaults_then_saved_preferences_are_returned_and_bad_fields_are_all_listed()
    {
        var id = await factory.ParticipantAsync("ar");
        var me = factory.ClientFor(id, Roles.Participant);

        var defaults = await me.GetFromJsonAsync<JsonElement>("/api/notifications/me/preferences");
        var bad = await me.PutAsJsonAsync("/api/notifications/me/preferences", new
        {
            language = "de",
            channels = new Dictionary<string, string[]> { ["gossip"] = ["email"], ["charter"] = ["pigeon"] },
            quietHours = new { from = "25:00", to = "07:00" },
            digest = true,
        });
        var good = await me.PutAsJsonAsync("/api/notifications/me/preferences", new
        {
            language = "fr",
            channels = new Dictionary<string, string[]> { ["charter"] = ["inapp"] },
            quietHours = new { from = "22:00", to = "07:00" },
            digest = false,
        });
        var saved = await me.GetFromJsonAsync<JsonElement>("/api/notifications/me/preferences");

        Assert.Equal(["inapp", "email"], defaults.GetProperty("channels").GetProperty("charter").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["channels.charter", "channels.gossip", "language", "quietHours.from"],
            problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("fr", saved.GetProperty("language").GetString());
        Assert.Equal(["inapp"], saved.GetProperty("channels").GetProperty("charter").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("22:00", saved.GetProperty("quietHours").GetProperty("from").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/notifications/me/preferences")).StatusCode);
    }

    [Fact]
    public async Task Channels_per_category_and_the_chosen_language_are_followed()
    {
        var id = await factory.ParticipantAsync("ar");
        var me = factory.ClientFor(id, Roles.Participant);
        (await me.PutAsJsonAsync("/api/notifications/me/preferences", new
        {
            language = "en",
            channels = new Dictionary<string, string[]> { ["charter"] = ["inapp"] },
        })).EnsureSuccessStatusCode();

        await factory.PublishAsync(new CharterAdopted(Guid.NewGuid(), 4, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await factory.PublishAsync(new ParticipantVettingDecided(id, "movement", "approved", null, DateTimeOffset.UtcNow));

        var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Count == 3 && d.All(x => x.Status == DeliveryStatus.Sent), "three messages sent");
        Assert.Equal(["inapp"], deliveries.Where(d => d.Category == Categories.Charter).Select(d => d.Channel));
        Assert.Equal(["email", "inapp"], deliveries.Where(d => d.Category == Categories.Account).Select(d => d.Channel).Order());
        var email = Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(id)));
        Assert.Equal("Your registration is approved", email.Subject);
        Assert.Contains("dir=\"ltr\"", email.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_in_quiet_hours_waits_until_they_end_but_the_inbox_gets_it_at_once()
    {
        var id = await factory.ParticipantAsync("fr");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TemplateCatalogue.Tunis);
        var from = TimeOnly.FromDateTime(local.DateTime.AddHours(-1));
        var to = TimeOnly.FromDateTime(local.DateTime.AddHours(2));
        var me = factory.ClientFor(id, Roles.Participant);
        (await me.PutAsJsonAsync("/api/notifications/me/preferences", new
        {
            quietHours = new { from = from.ToString("HH:mm", CultureInfo.InvariantCulture), to = to.ToString("HH:mm", CultureInfo.InvariantCulture) },
        })).EnsureSuccessStatusCode();

        await factory.PublishAsync(new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow));

        var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Count == 2, "both channels queued");
        var email = deliveries.Single(d => d.Channel == "email");
        Assert.Equal(DeliveryStatus.Pending, email.Status);
        var end = TimeZoneInfo.ConvertTime(email.NextAttemptAt, TemplateCatalogue.Tunis);
        Assert.Equal(to.ToString("HH:mm", CultureInfo.InvariantCulture), end.ToString("HH:mm", CultureInfo.InvariantCulture));
        Assert.InRange(email.NextAttemptAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(58), TimeSpan.FromHours(2));
        Assert.Equal(DeliveryStatus.Sent, deliveries.Single(d => d.Channel == "inapp").Status);
        Assert.Empty(factory.Smtp.To(NotificationsFactory.EmailOf(id)));
    }

    [Fact]
    public async Task With_a_daily_digest_the_held_messages_go_out_as_one_email_at_digest_time()
    {
        var id = await factory.ParticipantAsync("fr");
        var me = factory.ClientFor(id, Roles.Participant);
        (await me.PutAsJsonAsync("/api/notifications/me/preferences", new { digest = true, digestAt = "19:30" })).EnsureSuccessStatusCode();

        await factory.PublishAsync(new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow));
        await factory.PublishAsync(new ActionDeadlineApproaching(Guid.NewGuid(), Guid.NewGuid(), [id], DateTimeOffset.UtcNow.AddDays(3)));
        var held = await factory.WaitForDeliveriesAsync(id, d => d.Count(x => x.Status == DeliveryStatus.Digest) == 2, "two held emails");
        var due = held.First(d => d.Status == DeliveryStatus.Digest).NextAttemptAt;
        Assert.Equal("19:30", TimeZoneInfo.ConvertTime(due, TemplateCatalogue.Tunis).ToString("HH:mm", CultureInfo.InvariantCulture));
        Assert.Empty(factory.Smtp.To(NotificationsFactory.EmailOf(id)));

        // Digest time comes.
        await using (var scope = factory.Scope(out var db))
        {
            await db.Deliveries.Where(d => d.ParticipantId == id && d.Status == DeliveryStatus.Digest)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        var after = await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.TemplateKey == "digest" && x.Status == DeliveryStatus.Sent), "the digest");
        Assert.Equal(2, after.Count(d => d.Status == DeliveryStatus.Digested));
        var email = Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(id)));
        Assert.Equal("Votre résumé du jour", email.Subject);
        Assert.Contains("Vous avez 2 nouvelles notifications", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("• Votre inscription est confirmée", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("• Échéance d'une action proche", email.TextBody, StringComparison.Ordinal);
    }
}
