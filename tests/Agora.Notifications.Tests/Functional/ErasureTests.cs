using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Contracts.Registry;
using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Tests.Functional;

public sealed class ErasureTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    [Fact]
    public async Task Erasure_removes_the_persons_messages_preferences_and_read_model_and_later_events_add_nothing()
    {
        var id = await factory.ParticipantAsync("ar", governorate: "sfax");
        var kept = await factory.ParticipantAsync("ar");
        var me = factory.ClientFor(id, Roles.Participant);
        (await me.PutAsJsonAsync("/api/notifications/me/preferences", new { language = "fr" })).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), id, "confirmed", now.AddDays(2), now));
        await factory.PublishAsync(new ParticipantVettingDecided(kept, "individual", "confirmed", null, now));
        await factory.WaitForDeliveriesAsync(id, d => d.Count == 2, "messages before erasure");
        await factory.WaitForDeliveriesAsync(kept, d => d.Count == 2, "someone else's messages");

        await factory.PublishAsync(new ParticipantErased(id, DateTimeOffset.UtcNow));
        await Eventually.UntilAsync(async () =>
        {
            await using var s = factory.Scope(out var d);
            return await d.Erased.AnyAsync(e => e.ParticipantId == id);
        }, because: "the erasure to be applied");
        await factory.PublishAsync(new MinutesPublished(Guid.NewGuid(), null, 1, [id, kept], DateTimeOffset.UtcNow));
        var routing = Guid.NewGuid();
        await factory.PublishAsync(new ParticipantRoutingChanged(id, "individual", "ar", "sfax", DateTimeOffset.UtcNow), routing);
        await factory.WaitForDeliveriesAsync(kept, d => d.Count == 4, "the later event for the other participant");
        await Eventually.UntilAsync(async () =>
        {
            await using var s = factory.Scope(out var d);
            return await d.Set<ConsumedMessage>().AnyAsync(m => m.MessageId == routing);
        }, because: "the later routing change to be consumed");

        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Notifications.AnyAsync(n => n.ParticipantId == id));
        Assert.False(await db.Deliveries.AnyAsync(n => n.ParticipantId == id));
        Assert.False(await db.Preferences.AnyAsync(n => n.ParticipantId == id));
        Assert.False(await db.Reminders.AnyAsync(n => n.ParticipantId == id));
        Assert.False(await db.Registrants.AnyAsync(n => n.ParticipantId == id));
        Assert.False(await db.Participants.AnyAsync(n => n.ParticipantId == id));
        Assert.Equal(2, await db.Notifications.CountAsync(n => n.ParticipantId == kept));
    }

    [Fact]
    public async Task An_erased_participants_token_is_refused_once_the_erasure_is_consumed_and_no_preference_is_written_again()
    {
        var id = await factory.ParticipantAsync("ar");
        var kept = await factory.ParticipantAsync("ar");
        var me = factory.ClientFor(id, Roles.Participant);
        (await me.PutAsJsonAsync("/api/notifications/me/preferences", new { language = "fr" })).EnsureSuccessStatusCode();

        await factory.PublishAsync(new ParticipantErased(id, DateTimeOffset.UtcNow));
        await Eventually.UntilAsync(async () =>
        {
            await using var s = factory.Scope(out var d);
            return await d.Erased.AnyAsync(e => e.ParticipantId == id);
        }, because: "the erasure to be applied");

        // The same token, remembered by the token cache, is refused: the consumer's process knows at once.
        var refused = await me.PutAsJsonAsync("/api/notifications/me/preferences", new { language = "en" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.EndsWith("/unauthorized", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        await using (var scope = factory.Scope(out var db))
        {
            Assert.False(await db.Preferences.AnyAsync(p => p.ParticipantId == id));
        }
        (await factory.ClientFor(kept, Roles.Participant).PutAsJsonAsync("/api/notifications/me/preferences", new { language = "fr" })).EnsureSuccessStatusCode();
    }
}
