using Agora.Contracts.Workshops;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Templates;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Tests.Functional;

public sealed class SessionChangedTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    [Fact]
    public async Task A_changed_session_moves_its_reminders_and_tells_each_registrant_once_in_their_language()
    {
        var confirmed = await factory.ParticipantAsync("en");
        var waitlisted = await factory.ParticipantAsync("ar");
        var bystander = await factory.ParticipantAsync("fr");
        var now = DateTimeOffset.UtcNow;
        var workshop = Guid.NewGuid();
        var session = Guid.NewGuid();
        var startsAt = now.AddDays(3);
        await factory.PublishAsync(new WorkshopSessionScheduled(workshop, session, "social-justice", startsAt, startsAt.AddHours(3), "in_person"));
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), session, workshop, confirmed, "confirmed", startsAt, now));
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), session, workshop, waitlisted, "waitlisted", startsAt, now));
        await factory.WaitForDeliveriesAsync(confirmed, d => d.Any(x => x.TemplateKey == "session.registration-confirmed"), "the confirmation");
        await factory.WaitForDeliveriesAsync(waitlisted, d => d.Any(x => x.TemplateKey == "session.waitlisted"), "the waitlisted notice");

        var movedTo = now.AddDays(5);
        var messageId = Guid.NewGuid();
        var changed = new WorkshopSessionScheduled(workshop, session, "social-justice", movedTo, movedTo.AddHours(2), "in_person")
        {
            ChangedAt = now,
            ParticipantIds = [confirmed, waitlisted],
        };
        await factory.PublishAsync(changed, messageId);
        await factory.PublishAsync(changed, messageId);

        foreach (var id in new[] { confirmed, waitlisted })
        {
            var deliveries = await factory.WaitForDeliveriesAsync(id,
                d => d.Count(x => x.TemplateKey == "session.changed") == 2 && d.Where(x => x.TemplateKey == "session.changed").All(x => x.Status == DeliveryStatus.Sent),
                "the change by email and in app");
            Assert.Equal(["email", "inapp"], deliveries.Where(x => x.TemplateKey == "session.changed").Select(x => x.Channel).Order());
        }
        var email = Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(confirmed)), m => m.Subject == "Session changed");
        Assert.Contains(TemplateCatalogue.FormatTime(movedTo), email.TextBody, StringComparison.Ordinal);
        Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(waitlisted)), m => m.Subject == "تغيير في جلسة");
        Assert.DoesNotContain(await factory.DeliveriesAsync(bystander), d => d.TemplateKey == "session.changed");

        await using var scope = factory.Scope(out var db);
        var reminders = await db.Reminders.AsNoTracking().Where(r => r.SessionId == session).ToListAsync();
        Assert.Equal(2, reminders.Count);
        Assert.All(reminders, r => Assert.Equal(confirmed, r.ParticipantId));
        Assert.All(reminders, r => Assert.Equal(movedTo.ToUnixTimeMilliseconds(), r.StartsAt.ToUnixTimeMilliseconds()));
        Assert.Equal(movedTo.AddHours(-24).ToUnixTimeMilliseconds(), reminders.Single(r => r.TemplateKey == "session.reminder-24h").DueAt.ToUnixTimeMilliseconds());
        Assert.Equal(movedTo.AddHours(-1).ToUnixTimeMilliseconds(), reminders.Single(r => r.TemplateKey == "session.reminder-1h").DueAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Messages_older_than_an_applied_reschedule_leave_the_reminders_at_the_new_time()
    {
        var first = await factory.ParticipantAsync("fr");
        var late = await factory.ParticipantAsync("en");
        var now = DateTimeOffset.UtcNow;
        var workshop = Guid.NewGuid();
        var session = Guid.NewGuid();
        var oldStart = now.AddDays(3);
        var newStart = now.AddDays(5);
        var scheduled = new WorkshopSessionScheduled(workshop, session, "social-justice", oldStart, oldStart.AddHours(3), "in_person");
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), session, workshop, first, "confirmed", oldStart, now.AddHours(-2)));
        await factory.WaitForDeliveriesAsync(first, d => d.Any(x => x.TemplateKey == "session.registration-confirmed"), "the confirmation");
        await factory.PublishAsync(new WorkshopSessionScheduled(workshop, session, "social-justice", newStart, newStart.AddHours(3), "in_person")
        {
            ChangedAt = now,
            ParticipantIds = [first],
        });
        await factory.WaitForDeliveriesAsync(first, d => d.Any(x => x.TemplateKey == "session.changed" && x.Channel == "inapp"), "the change");

        // Delivered after the reschedule: the first scheduling, an earlier change, and a registration made before the change.
        var stale = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await factory.PublishAsync(scheduled, stale[0]);
        await factory.PublishAsync(new WorkshopSessionScheduled(workshop, session, "social-justice", now.AddDays(4), now.AddDays(4).AddHours(3), "in_person")
        {
            ChangedAt = now.AddMinutes(-30),
            ParticipantIds = [first],
        }, stale[1]);
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), session, workshop, late, "confirmed", oldStart, now.AddHours(-1)), stale[2]);
        await using var scope = factory.Scope(out var db);
        await Eventually.UntilAsync(async () => await db.Set<Agora.Messaging.ConsumedMessage>().CountAsync(m => stale.Contains(m.MessageId)) == 3,
            because: "the three late messages consumed");

        var reminders = await db.Reminders.AsNoTracking().Where(r => r.SessionId == session).ToListAsync();
        Assert.Equal(4, reminders.Count);
        Assert.All(reminders, r => Assert.Equal(newStart.ToUnixTimeMilliseconds(), r.StartsAt.ToUnixTimeMilliseconds()));
        foreach (var id in new[] { first, late })
        {
            Assert.Equal(newStart.AddHours(-24).ToUnixTimeMilliseconds(),
                reminders.Single(r => r.ParticipantId == id && r.TemplateKey == "session.reminder-24h").DueAt.ToUnixTimeMilliseconds());
            Assert.Equal(newStart.AddHours(-1).ToUnixTimeMilliseconds(),
                reminders.Single(r => r.ParticipantId == id && r.TemplateKey == "session.reminder-1h").DueAt.ToUnixTimeMilliseconds());
        }
        // The late registrant's confirmation gives the new time; the outdated change is told to nobody.
        var confirmation = Assert.Single(await factory.DeliveriesAsync(late), d => d.TemplateKey == "session.registration-confirmed" && d.Channel == "inapp");
        Assert.Equal(TemplateCatalogue.FormatTime(newStart), confirmation.Parameters["startsAt"]);
        Assert.Single(await factory.DeliveriesAsync(first), d => d.TemplateKey == "session.changed" && d.Channel == "inapp");
    }

    [Fact]
    public async Task A_first_scheduling_tells_nobody()
    {
        var registrant = await factory.ParticipantAsync("fr");
        var now = DateTimeOffset.UtcNow;
        var workshop = Guid.NewGuid();
        var session = Guid.NewGuid();
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), session, workshop, registrant, "confirmed", now.AddDays(3), now));
        await factory.WaitForDeliveriesAsync(registrant, d => d.Any(x => x.TemplateKey == "session.registration-confirmed"), "the confirmation");
        // A first scheduling (no changedAt) is not news; only the change is told.
        await factory.PublishAsync(new WorkshopSessionScheduled(workshop, session, "t", now.AddDays(3), now.AddDays(3).AddHours(1), "online"));
        await factory.PublishAsync(new WorkshopSessionScheduled(workshop, session, "t", now.AddDays(4), now.AddDays(4).AddHours(1), "online") { ChangedAt = now });

        var deliveries = await factory.WaitForDeliveriesAsync(registrant, d => d.Count(x => x.TemplateKey == "session.changed" && x.Channel == "inapp") == 1, "the change");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, (await factory.DeliveriesAsync(registrant)).Count(x => x.TemplateKey == "session.changed" && x.Channel == "inapp"));
        Assert.NotEmpty(deliveries);
    }
}
