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

    [Fact]
    public async Task A_session_cancelled_because_its_workshop_closed_says_so_in_each_language_and_any_other_cancellation_keeps_the_plain_text()
    {
        var (arabic, french, english) = (await factory.ParticipantAsync("ar"), await factory.ParticipantAsync("fr"), await factory.ParticipantAsync("en"));
        var (byManager, unknownCause) = (await factory.ParticipantAsync("fr"), await factory.ParticipantAsync("ar"));
        var now = DateTimeOffset.UtcNow;
        var workshop = Guid.NewGuid();

        await factory.PublishAsync(new WorkshopSessionCancelled(workshop, Guid.NewGuid(), now)
        {
            ParticipantIds = [arabic, french, english],
            Cause = WorkshopSessionCancelled.WorkshopClosed,
        });
        // A manager's cancellation (no cause) and a cause this service does not know: the plain text.
        await factory.PublishAsync(new WorkshopSessionCancelled(workshop, Guid.NewGuid(), now) { ParticipantIds = [byManager] });
        await factory.PublishAsync(new WorkshopSessionCancelled(workshop, Guid.NewGuid(), now) { ParticipantIds = [unknownCause], Cause = "venue-flooded" });

        foreach (var (id, key) in new[] { (arabic, "session.cancelled.workshop-closed"), (french, "session.cancelled.workshop-closed"),
            (english, "session.cancelled.workshop-closed"), (byManager, "session.cancelled"), (unknownCause, "session.cancelled") })
        {
            var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Count(x => x.Status == DeliveryStatus.Sent) == 2, "the cancellation by email and in app");
            Assert.All(deliveries, d => Assert.Equal(key, d.TemplateKey));
        }
        await using var scope = factory.Scope(out var db);
        var inApp = await db.Notifications.AsNoTracking()
            .Where(n => n.ParticipantId == arabic || n.ParticipantId == french || n.ParticipantId == english || n.ParticipantId == byManager || n.ParticipantId == unknownCause)
            .ToDictionaryAsync(n => n.ParticipantId);
        Assert.Equal(("ar", "أُلغيت جلسة", "أُلغيت جلسة ورشة كنتم مسجَّلين فيها لأنّ الورشة أُغلقت."), (inApp[arabic].Language, inApp[arabic].Title, inApp[arabic].Body));
        Assert.Equal(("fr", "Séance annulée", "Une séance d'atelier à laquelle vous étiez inscrit·e est annulée, car l'atelier a été clôturé."),
            (inApp[french].Language, inApp[french].Title, inApp[french].Body));
        Assert.Equal(("en", "Session cancelled", "A workshop session you registered for is cancelled because the workshop was closed."),
            (inApp[english].Language, inApp[english].Title, inApp[english].Body));
        // No English inside the Arabic and French messages (the workshops service's stored reason is English).
        Assert.DoesNotMatch("[A-Za-z]", inApp[arabic].Body);
        Assert.DoesNotContain("closed", inApp[french].Body, StringComparison.OrdinalIgnoreCase);
        var arabicEmail = Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(arabic)));
        Assert.Contains("لأنّ الورشة أُغلقت", arabicEmail.TextBody, StringComparison.Ordinal);
        Assert.Contains("dir=\"rtl\"", arabicEmail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("l'atelier a été clôturé", Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(french))).TextBody, StringComparison.Ordinal);

        Assert.Equal("Une séance d'atelier à laquelle vous étiez inscrit·e est annulée. Nous vous informerons d'une nouvelle date le cas échéant.", inApp[byManager].Body);
        Assert.Equal("أُلغيت جلسة ورشة كنتم مسجَّلين فيها. سنُعلمكم بالموعد الجديد إن وُجد.", inApp[unknownCause].Body);
    }
}
