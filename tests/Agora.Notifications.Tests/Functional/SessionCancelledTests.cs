using Agora.Contracts.Workshops;
using Agora.Notifications.Deliveries;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Tests.Functional;

public sealed class SessionCancelledTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    [Fact]
    public async Task Every_participant_the_cancellation_names_is_told_once_in_their_language_by_email_and_in_app()
    {
        var confirmed = await factory.ParticipantAsync("en");
        var waitlisted = await factory.ParticipantAsync("fr");
        var alsoNamed = await factory.ParticipantAsync("ar");
        var bystander = await factory.ParticipantAsync("fr");
        var now = DateTimeOffset.UtcNow;
        var workshop = Guid.NewGuid();
        var session = Guid.NewGuid();
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), session, workshop, confirmed, "confirmed", now.AddDays(3), now));
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), session, workshop, waitlisted, "waitlisted", now.AddDays(3), now));
        await factory.WaitForDeliveriesAsync(waitlisted, d => d.Any(x => x.TemplateKey == "session.waitlisted"), "the waitlisted notice");
        await factory.WaitForDeliveriesAsync(confirmed, d => d.Any(x => x.TemplateKey == "session.registration-confirmed"), "the confirmation");

        var messageId = Guid.NewGuid();
        var cancelled = new WorkshopSessionCancelled(workshop, session, now) { ParticipantIds = [confirmed, waitlisted, alsoNamed] };
        await factory.PublishAsync(cancelled, messageId);
        // Redelivered: no second message.
        await factory.PublishAsync(cancelled, messageId);

        foreach (var id in new[] { confirmed, waitlisted, alsoNamed })
        {
            var deliveries = await factory.WaitForDeliveriesAsync(id,
                d => d.Count(x => x.TemplateKey == "session.cancelled") == 2 && d.Where(x => x.TemplateKey == "session.cancelled").All(x => x.Status == DeliveryStatus.Sent),
                "the cancellation by email and in app");
            Assert.Equal(["email", "inapp"], deliveries.Where(x => x.TemplateKey == "session.cancelled").Select(x => x.Channel).Order());
        }
        await using var scope = factory.Scope(out var db);
        var inApp = await db.Notifications.AsNoTracking().Where(n => n.Title == "Session cancelled" || n.Title == "Séance annulée" || n.Title == "أُلغيت جلسة")
            .Where(n => n.ParticipantId == confirmed || n.ParticipantId == waitlisted || n.ParticipantId == alsoNamed || n.ParticipantId == bystander)
            .ToDictionaryAsync(n => n.ParticipantId);
        Assert.Equal(3, inApp.Count);
        Assert.Equal(("en", "Session cancelled"), (inApp[confirmed].Language, inApp[confirmed].Title));
        Assert.Equal(("fr", "Séance annulée"), (inApp[waitlisted].Language, inApp[waitlisted].Title));
        Assert.Equal(("ar", "أُلغيت جلسة"), (inApp[alsoNamed].Language, inApp[alsoNamed].Title));
        Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(waitlisted)), m => m.Subject == "Séance annulée");
        Assert.Empty(await factory.DeliveriesAsync(bystander));
        Assert.False(await db.Reminders.AnyAsync(r => r.SessionId == session));
    }
}
