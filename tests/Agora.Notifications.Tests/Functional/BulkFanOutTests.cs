using System.Net.Http.Json;
using Agora.Contracts.Notifications;
using Agora.Messaging;
using Agora.Notifications.Announcements;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Preferences;
using Agora.Notifications.Recipients;
using Agora.Notifications.Templates;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Notifications.Tests.Functional;

/// <summary>The bulk fan-out (announcements, large events) and the batched sending path.</summary>
public sealed class BulkFanOutTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    private static readonly Dictionary<string, string> Titles = new() { ["ar"] = "إعلان", ["fr"] = "Annonce", ["en"] = "Announcement" };
    private static readonly Dictionary<string, string> Bodies = new() { ["ar"] = "نص الإعلان.", ["fr"] = "Le texte.", ["en"] = "The text." };

    [Fact]
    public async Task A_batch_delivered_again_under_a_new_message_id_adds_no_second_delivery_inbox_message_or_email()
    {
        var ids = new[] { await factory.ParticipantAsync("ar"), await factory.ParticipantAsync("fr"), await factory.ParticipantAsync("en") };
        var announcementId = Guid.CreateVersion7();
        var batch = new AnnouncementBatchRequested(announcementId, "everyone", ids, Titles, Bodies, DateTimeOffset.UtcNow);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        // The same batch three times: redelivered (same message id) and re-published (a new message id, past the inbox).
        await factory.PublishAsync(batch, first);
        await factory.PublishAsync(batch, first);
        await factory.PublishAsync(batch, second);

        await Eventually.UntilAsync(async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Set<ConsumedMessage>().CountAsync(m => m.MessageId == first || m.MessageId == second) == 2;
        }, TimeSpan.FromSeconds(30), "both message ids consumed");
        foreach (var id in ids)
        {
            await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.Channel == ChannelNames.Email && x.Status == DeliveryStatus.Sent), "the email");
        }
        await using (var scope = factory.Scope(out var db))
        {
            var rows = await db.Deliveries.Where(d => d.EventId == announcementId).ToListAsync();
            Assert.Equal(6, rows.Count);
            Assert.All(ids, id => Assert.Equal([ChannelNames.Email, ChannelNames.InApp], rows.Where(r => r.ParticipantId == id).Select(r => r.Channel).Order(StringComparer.Ordinal)));
            var inbox = await db.Notifications.Where(n => ids.Contains(n.ParticipantId) && n.Category == "announcement").ToListAsync();
            Assert.Equal(3, inbox.Count);
            Assert.Equal("Annonce", inbox.Single(n => n.ParticipantId == ids[1]).Title);
            Assert.Equal(("en", "Announcement"), (inbox.Single(n => n.ParticipantId == ids[2]).Language, inbox.Single(n => n.ParticipantId == ids[2]).Title));
            // Each in-app delivery is the inbox message (same id), recorded as sent.
            Assert.All(rows.Where(r => r.Channel == ChannelNames.InApp), r => Assert.Contains(inbox, n => n.Id == r.Id && r.Status == DeliveryStatus.Sent));
        }
        Assert.All(ids, id => Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(id))));
        Assert.Equal("Le texte.", factory.Smtp.To(NotificationsFactory.EmailOf(ids[1]))[0].TextBody?.Trim());
    }

    [Fact]
    public async Task The_bulk_path_follows_preferences_and_erasure_and_a_second_run_inserts_nothing()
    {
        var plain = Guid.CreateVersion7();
        var digest = Guid.CreateVersion7();
        var smsOnly = Guid.CreateVersion7();
        var erased = Guid.CreateVersion7();
        var unknownLanguage = Guid.CreateVersion7();
        var eventId = Guid.CreateVersion7();
        var parameters = new Dictionary<string, string> { ["version"] = "3" };
        factory.Registry.Add(plain, NotificationsFactory.EmailOf(plain), language: "fr");
        await using var scope = factory.Scope(out var db);
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, language) in new[] { (plain, "fr"), (digest, "en"), (smsOnly, "ar"), (erased, "ar") })
        {
            db.Participants.Add(new KnownParticipant { ParticipantId = id, Kind = "individual", Language = language, UpdatedAt = now });
        }
        db.Preferences.Add(new NotificationPreferences { ParticipantId = digest, Digest = true, UpdatedAt = now });
        db.Preferences.Add(new NotificationPreferences { ParticipantId = smsOnly, Channels = new() { [Categories.Charter] = [ChannelNames.Sms] }, UpdatedAt = now });
        db.Erased.Add(new ErasedParticipant { ParticipantId = erased, ErasedAt = now });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        var dispatcher = scope.ServiceProvider.GetRequiredService<Dispatcher>();
        var recipients = new[] { plain, digest, smsOnly, erased, unknownLanguage, plain };

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal(7, await dispatcher.DispatchBulkAsync(eventId, "charter.adopted", parameters, recipients, CancellationToken.None));
            Assert.Empty(db.ChangeTracker.Entries());
            await tx.CommitAsync();
        }
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal(0, await dispatcher.DispatchBulkAsync(eventId, "charter.adopted", parameters, recipients, CancellationToken.None));
            await tx.CommitAsync();
        }

        var rows = await db.Deliveries.AsNoTracking().Where(d => d.EventId == eventId).ToListAsync();
        Assert.Equal(7, rows.Count);
        Assert.DoesNotContain(rows, r => r.ParticipantId == erased);
        Assert.Equal([ChannelNames.Sms], rows.Where(r => r.ParticipantId == smsOnly).Select(r => r.Channel));
        Assert.Equal(DeliveryStatus.Digest, rows.Single(r => r.ParticipantId == digest && r.Channel == ChannelNames.Email).Status);
        Assert.Contains(rows, r => r.ParticipantId == plain && r.Channel == ChannelNames.Email && r.Status is DeliveryStatus.Pending or DeliveryStatus.Sent);
        Assert.All(rows, r => Assert.Equal(("charter", "charter.adopted", "3"), (r.Category, r.TemplateKey, r.Parameters["version"])));
        var catalogue = scope.ServiceProvider.GetRequiredService<TemplateCatalogue>();
        var inbox = await db.Notifications.AsNoTracking().Where(n => n.ParticipantId == plain || n.ParticipantId == digest || n.ParticipantId == unknownLanguage).ToListAsync();
        Assert.Equal(3, inbox.Count);
        Assert.Equal(catalogue.Render("charter.adopted", parameters, ["fr"]).Title, inbox.Single(n => n.ParticipantId == plain).Title);
        Assert.Equal(("en", "charter"), (inbox.Single(n => n.ParticipantId == digest).Language, inbox.Single(n => n.ParticipantId == digest).Category));
        Assert.Equal("ar", inbox.Single(n => n.ParticipantId == unknownLanguage).Language);
    }

    [Fact]
    public async Task An_event_to_many_recipients_takes_the_bulk_path_and_an_inline_text_missing_everywhere_is_a_recorded_failure()
    {
        var recipients = Enumerable.Range(0, Dispatcher.BulkThreshold).Select(_ => Guid.CreateVersion7()).ToList();
        await using var scope = factory.Scope(out var db);
        var dispatcher = scope.ServiceProvider.GetRequiredService<Dispatcher>();
        await using var tx = await db.Database.BeginTransactionAsync();

        var created = await dispatcher.DispatchAsync(Guid.CreateVersion7(), "charter.adopted", new Dictionary<string, string> { ["version"] = "1" }, recipients, CancellationToken.None);
        var noText = Guid.CreateVersion7();
        await dispatcher.DispatchBulkAsync(noText, TemplateCatalogue.Announcement, new Dictionary<string, string>(), recipients.Take(2).ToList(), CancellationToken.None);

        Assert.Equal(2 * recipients.Count, created);
        Assert.Empty(db.ChangeTracker.Entries());
        var failed = await db.Deliveries.AsNoTracking().Where(d => d.EventId == noText && d.Channel == ChannelNames.InApp).ToListAsync();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, d => Assert.Equal(DeliveryStatus.Failed, d.Status));
        Assert.All(failed, d => Assert.StartsWith("no-text", d.LastError, StringComparison.Ordinal));
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task A_delivery_batch_asks_the_registry_in_one_call_and_one_by_one_when_the_registry_lacks_the_batch_call()
    {
        var governorate = "bulk-" + new string(Guid.NewGuid().ToString("N").Select(c => (char)('a' + (c % 26))).Take(8).ToArray());
        var ids = new[] { await factory.ParticipantAsync("ar", governorate: governorate), await factory.ParticipantAsync("fr", governorate: governorate) };
        var steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);
        var singleBefore = factory.Registry.SingleLookups;

        (await steering.PostAsJsonAsync("/api/notifications/announcements", new { segment = $"governorate:{governorate}", titles = Titles, bodies = Bodies })).EnsureSuccessStatusCode();
        foreach (var id in ids)
        {
            await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.Channel == ChannelNames.Email && x.Status == DeliveryStatus.Sent), "the email");
        }
        Assert.True(factory.Registry.BatchLookups >= 1);
        Assert.Equal(singleBefore, factory.Registry.SingleLookups);

        factory.Registry.BatchSupported = false;
        try
        {
            var later = await factory.ParticipantAsync("en", governorate: governorate + "-x");
            (await steering.PostAsJsonAsync("/api/notifications/announcements", new { segment = $"governorate:{governorate}-x", titles = Titles, bodies = Bodies })).EnsureSuccessStatusCode();
            await factory.WaitForDeliveriesAsync(later, d => d.Any(x => x.Channel == ChannelNames.Email && x.Status == DeliveryStatus.Sent), "the email through single look-ups");
            Assert.True(factory.Registry.SingleLookups > singleBefore);
            Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(later)));
        }
        finally
        {
            factory.Registry.BatchSupported = true;
        }
        Assert.Equal(0, factory.Registry.RejectedLookups);
    }
}
