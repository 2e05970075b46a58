using System.Net;
using System.Net.Http.Json;
using Agora.Contracts.Charter;
using Agora.Contracts.Registry;
using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Inbox;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Tests.Functional;

public sealed class EventsToMessagesTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    [Fact]
    public async Task A_registration_is_welcomed_in_the_inbox_and_by_right_to_left_email_in_arabic()
    {
        var id = Guid.CreateVersion7();
        factory.Registry.Add(id, FakeRegistryEmail(id), null, "ar");

        await factory.PublishAsync(new ParticipantRegistered(id, "movement", "ar", DateTimeOffset.UtcNow));

        var client = factory.ClientFor(id, Roles.Participant);
        var inbox = await Eventually.GetAsync(
            () => client.GetFromJsonAsync<List<InboxApi.InboxItem>>($"/api/notifications/participants/{id}/inbox")!,
            items => items!.Count > 0, because: "the welcome to reach the inbox");
        var welcome = Assert.Single(inbox!);
        Assert.Equal(("welcome", "ar", "rtl"), (welcome.Category, welcome.Language, welcome.Direction));
        Assert.Equal("مرحبًا بكم في الأغورا", welcome.Title);

        await Eventually.UntilAsync(() => factory.Smtp.To(FakeRegistryEmail(id)).Count > 0, because: "the welcome email");
        var email = Assert.Single(factory.Smtp.To(FakeRegistryEmail(id)));
        Assert.Equal("مرحبًا بكم في الأغورا", email.Subject);
        Assert.Contains("dir=\"rtl\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("lang=\"ar\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("شكرًا لتسجيلكم", email.TextBody, StringComparison.Ordinal);

        await using var scope = factory.Scope(out var db);
        var participant = await db.Participants.SingleAsync(p => p.ParticipantId == id);
        Assert.Equal(("movement", "ar"), (participant.Kind, participant.Language));
        Assert.True(factory.Registry.TokenRequests >= 1);
        Assert.Equal(0, factory.Registry.RejectedLookups);
    }

    [Fact]
    public async Task The_same_event_delivered_twice_gives_one_message_per_channel()
    {
        var id = Guid.CreateVersion7();
        factory.Registry.Add(id, FakeRegistryEmail(id), null, "fr");
        var messageId = Guid.NewGuid();
        var registered = new ParticipantRegistered(id, "individual", "fr", DateTimeOffset.UtcNow);

        await factory.PublishAsync(registered, messageId);
        await factory.PublishAsync(registered, messageId);
        var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Count == 2 && d.All(x => x.Status == DeliveryStatus.Sent), "both channels sent");
        await factory.PublishAsync(registered, messageId);
        var vetting = new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow);
        await factory.PublishAsync(vetting);
        await factory.WaitForDeliveriesAsync(id, d => d.Count(x => x.TemplateKey == "vetting.confirmed" && x.Status == DeliveryStatus.Sent) == 2, "the later event");

        Assert.Equal(["email", "inapp"], deliveries.Select(d => d.Channel).Order());
        Assert.Single(factory.Smtp.To(FakeRegistryEmail(id)), m => m.Subject == "Bienvenue à l'Agora");
        await using var scope = factory.Scope(out var db);
        Assert.Equal(1, await db.Notifications.CountAsync(n => n.ParticipantId == id && n.Category == "welcome" && n.Title == "Bienvenue à l'Agora"));
    }

    [Fact]
    public async Task Each_platform_event_reaches_its_recipients_with_its_template()
    {
        var author = await factory.ParticipantAsync("fr");
        var owner = await factory.ParticipantAsync("en");
        var attendee = await factory.ParticipantAsync("ar");
        var now = DateTimeOffset.UtcNow;
        var workshop = Guid.NewGuid();
        var session = Guid.NewGuid();

        await factory.PublishAsync(new ParticipantVettingDecided(author, "organization", "approved", Guid.NewGuid(), now));
        await factory.PublishAsync(new ParticipantVettingDecided(owner, "movement", "rejected", Guid.NewGuid(), now));
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), session, workshop, attendee, "confirmed", now.AddDays(3), now));
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), session, workshop, owner, "waitlisted", now.AddDays(3), now));
        await factory.PublishAsync(new WaitlistPromoted(Guid.NewGuid(), session, workshop, owner, now.AddDays(3), now));
        await factory.PublishAsync(new MinutesPublished(workshop, session, 2, [attendee, owner], now));
        await factory.PublishAsync(new StatementAccepted(Guid.NewGuid(), "العدالة الاجتماعية", Guid.NewGuid(), author, now));
        await factory.PublishAsync(new ActionDeadlineApproaching(Guid.NewGuid(), Guid.NewGuid(), [owner], now.AddDays(2)));

        await factory.WaitForDeliveriesAsync(author, d => d.Count(x => x.Channel == "inapp") == 2, "author's messages");
        await factory.WaitForDeliveriesAsync(owner, d => d.Count(x => x.Channel == "inapp") == 5, "owner's messages");
        await factory.WaitForDeliveriesAsync(attendee, d => d.Count(x => x.Channel == "inapp") == 2, "attendee's messages");

        Assert.Equal(["charter.statement-accepted", "vetting.approved"], await KeysAsync(author));
        Assert.Equal(["action.deadline-approaching", "session.waitlist-promoted", "session.waitlisted", "vetting.rejected", "workshop.minutes-published"], await KeysAsync(owner));
        Assert.Equal(["session.registration-confirmed", "workshop.minutes-published"], await KeysAsync(attendee));

        await using var scope = factory.Scope(out var db);
        var statement = await db.Notifications.SingleAsync(n => n.ParticipantId == author && n.Category == "charter");
        Assert.Equal("fr", statement.Language);
        Assert.Contains("« العدالة الاجتماعية »", statement.Body, StringComparison.Ordinal);
        var reminders = await db.Reminders.Where(r => r.SessionId == session).Select(r => new { r.ParticipantId, r.TemplateKey }).ToListAsync();
        Assert.Equal(4, reminders.Count);
        Assert.Equal(2, await db.Registrants.CountAsync(r => r.WorkshopId == workshop));
    }

    [Fact]
    public async Task A_one_time_code_goes_by_email_only_and_at_once_even_in_a_digest_preference()
    {
        var id = await factory.ParticipantAsync("fr");
        var client = factory.ClientFor(id, Roles.Participant);
        var digest = await client.PutAsJsonAsync("/api/notifications/me/preferences", new { digest = true, digestAt = "07:00" });
        Assert.True(digest.IsSuccessStatusCode, await digest.Content.ReadAsStringAsync());

        await factory.PublishAsync(new OneTimeCodeIssued(id, "sign-in", "482913", "fr", DateTimeOffset.UtcNow.AddMinutes(10)));
        await factory.PublishAsync(new OneTimeCodeIssued(id, "verify-email", "111111", "fr", DateTimeOffset.UtcNow.AddMinutes(-1)));

        var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.TemplateKey == "code.sign-in" && x.Status == DeliveryStatus.Sent), "the code is emailed");
        var code = Assert.Single(deliveries, d => d.TemplateKey.StartsWith("code.", StringComparison.Ordinal));
        Assert.Equal("email", code.Channel);
        var email = Assert.Single(factory.Smtp.To(FakeRegistryEmail(id)), m => m.Subject == "Votre code de connexion à l'Agora");
        Assert.Contains("482913", email.TextBody, StringComparison.Ordinal);
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Notifications.AnyAsync(n => n.ParticipantId == id && n.Category == "code"), "codes never go to the in-app inbox");
    }

    [Fact]
    public async Task Broadcast_charter_events_reach_every_known_participant_in_their_language()
    {
        var participants = new[] { await factory.ParticipantAsync("ar"), await factory.ParticipantAsync("fr"), await factory.ParticipantAsync("en") };
        var charter = Guid.NewGuid();
        var ballot = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;

        await factory.PublishAsync(new CharterVersionPublished(charter, 3, 14, now));
        await factory.PublishAsync(new BallotOpened(ballot, charter, 3, now, now.AddDays(2)));
        await factory.PublishAsync(new BallotClosed(ballot, charter, 3, true, now));
        await factory.PublishAsync(new CharterAdopted(charter, 3, ballot, now));

        foreach (var id in participants)
        {
            await factory.WaitForDeliveriesAsync(id, d => d.Count(x => x.Channel == "inapp" && x.Category == "charter") == 4, "four charter messages");
        }
        await using var scope = factory.Scope(out var db);
        var french = await db.Notifications.Where(n => n.ParticipantId == participants[1] && n.Category == "charter").Select(n => n.Title).ToListAsync();
        Assert.Contains("Nouvelle version de la charte", french);
        Assert.Contains("Vote clos : charte adoptée", french);
        var english = await db.Notifications.SingleAsync(n => n.ParticipantId == participants[2] && n.Title == "New charter version");
        Assert.Contains("Version 3 of the charter (14 articles)", english.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_needing_an_unknown_template_records_a_clear_failure_and_the_consumer_goes_on()
    {
        var id = await factory.ParticipantAsync("en");

        await factory.PublishAsync(new ParticipantVettingDecided(id, "movement", "suspended", null, DateTimeOffset.UtcNow));
        await factory.PublishAsync(new ParticipantVettingDecided(id, "movement", "approved", null, DateTimeOffset.UtcNow));

        var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.TemplateKey == "vetting.approved" && x.Channel == "inapp")
            && d.Any(x => x.TemplateKey == "vetting.suspended"), "both events handled");
        var failed = Assert.Single(deliveries, d => d.TemplateKey == "vetting.suspended");
        Assert.Equal(DeliveryStatus.Failed, failed.Status);
        Assert.StartsWith("unknown-template: Unknown template key 'vetting.suspended'", failed.LastError, StringComparison.Ordinal);

        var steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);
        var views = await steering.GetFromJsonAsync<List<DeliveriesApi.DeliveryView>>($"/api/notifications/deliveries?participantId={id}&status=failed");
        Assert.Equal("vetting.suspended", Assert.Single(views!).TemplateKey);
        var participant = factory.ClientFor(id, Roles.Participant);
        Assert.Equal(HttpStatusCode.Forbidden, (await participant.GetAsync("/api/notifications/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await steering.GetAsync("/api/notifications/deliveries?status=lost")).StatusCode);
    }

    [Fact]
    public async Task An_invitation_tells_the_invitee_in_their_language_with_the_role_on_the_channels_they_chose()
    {
        var arabic = await factory.ParticipantAsync("ar");
        var french = await factory.ParticipantAsync("fr");
        // The French invitee wants account messages in the app only: no email.
        var preferences = await factory.ClientFor(french, Roles.Participant).PutAsJsonAsync("/api/notifications/me/preferences",
            new { channels = new Dictionary<string, string[]> { ["account"] = ["inapp"] }, digest = false });
        Assert.True(preferences.IsSuccessStatusCode, await preferences.Content.ReadAsStringAsync());
        var organization = Guid.NewGuid();

        await factory.PublishAsync(new MembershipInvited(arabic, organization, "delegate", DateTimeOffset.UtcNow));
        await factory.PublishAsync(new MembershipInvited(french, organization, "Spokesperson", DateTimeOffset.UtcNow));

        await factory.WaitForDeliveriesAsync(arabic, d => d.Count(x => x.Status == DeliveryStatus.Sent) == 2, "the arabic invitee's in-app message and email");
        var inbox = await Eventually.GetAsync(
            () => factory.ClientFor(arabic, Roles.Participant).GetFromJsonAsync<List<InboxApi.InboxItem>>("/api/notifications/me/inbox")!,
            items => items!.Count > 0, because: "the invitation to reach the inbox");
        var invitation = Assert.Single(inbox!);
        Assert.Equal(("membership", "ar", "rtl", "دعوة للانضمام إلى منظّمة أو حركة"), (invitation.Category, invitation.Language, invitation.Direction, invitation.Title));
        Assert.Contains("بصفة مندوب", invitation.Body, StringComparison.Ordinal);
        Assert.Contains("قبول الدعوة أو رفضها", invitation.Body, StringComparison.Ordinal);
        var email = Assert.Single(factory.Smtp.To(FakeRegistryEmail(arabic)));
        Assert.Equal("دعوة للانضمام إلى منظّمة أو حركة", email.Subject);

        var deliveries = await factory.WaitForDeliveriesAsync(french, d => d.Any(x => x.Status == DeliveryStatus.Sent), "the french invitee's in-app message");
        Assert.Equal([("inapp", "membership.invited.spokesperson")], deliveries.Select(d => (d.Channel, d.TemplateKey)));
        await using var scope = factory.Scope(out var db);
        var message = await db.Notifications.SingleAsync(n => n.ParticipantId == french);
        Assert.Equal(("fr", "Invitation à rejoindre une organisation ou un mouvement"), (message.Language, message.Title));
        Assert.Contains("en tant que porte-parole", message.Body, StringComparison.Ordinal);
        Assert.Contains("accepter ou refuser l'invitation dans vos adhésions", message.Body, StringComparison.Ordinal);
        Assert.Empty(factory.Smtp.To(FakeRegistryEmail(french)));
    }

    [Fact]
    public async Task An_invitation_delivered_twice_gives_one_message_and_an_erased_invitee_gets_nothing()
    {
        var invitee = await factory.ParticipantAsync("fr");
        var erased = await factory.ParticipantAsync("ar");
        await factory.PublishAsync(new ParticipantErased(erased, DateTimeOffset.UtcNow));
        await Eventually.UntilAsync(async () =>
        {
            await using var s = factory.Scope(out var d);
            return await d.Erased.AnyAsync(e => e.ParticipantId == erased);
        }, because: "the erasure to be applied");
        var messageId = Guid.NewGuid();
        var invited = new MembershipInvited(invitee, Guid.NewGuid(), "member", DateTimeOffset.UtcNow);

        var erasedInvitation = Guid.NewGuid();
        await factory.PublishAsync(new MembershipInvited(erased, Guid.NewGuid(), "member", DateTimeOffset.UtcNow), erasedInvitation);
        await factory.PublishAsync(invited, messageId);
        await factory.PublishAsync(invited, messageId);
        await factory.WaitForDeliveriesAsync(invitee, d => d.Count == 2 && d.All(x => x.Status == DeliveryStatus.Sent), "both channels sent");
        await Eventually.UntilAsync(async () =>
        {
            await using var s = factory.Scope(out var d);
            return await d.Set<ConsumedMessage>().AnyAsync(m => m.MessageId == erasedInvitation);
        }, because: "the erased invitee's invitation to be consumed");
        // A later event as a marker: the redelivery was consumed before it.
        await factory.PublishAsync(invited, messageId);
        await factory.PublishAsync(new ParticipantVettingDecided(invitee, "individual", "confirmed", null, DateTimeOffset.UtcNow));
        await factory.WaitForDeliveriesAsync(invitee, d => d.Count(x => x.TemplateKey == "vetting.confirmed" && x.Status == DeliveryStatus.Sent) == 2, "the later event");

        Assert.Single(factory.Smtp.To(FakeRegistryEmail(invitee)), m => m.Subject == "Invitation à rejoindre une organisation ou un mouvement");
        await using var scope = factory.Scope(out var db);
        Assert.Equal(1, await db.Notifications.CountAsync(n => n.ParticipantId == invitee && n.Category == "membership"));
        Assert.False(await db.Notifications.AnyAsync(n => n.ParticipantId == erased));
        Assert.False(await db.Deliveries.AnyAsync(d => d.ParticipantId == erased));
        Assert.Empty(factory.Smtp.To(FakeRegistryEmail(erased)));
    }

    private async Task<List<string>> KeysAsync(Guid participantId) =>
        (await factory.DeliveriesAsync(participantId)).Where(d => d.Channel == "inapp").Select(d => d.TemplateKey).Order(StringComparer.Ordinal).ToList();

    private static string FakeRegistryEmail(Guid id) => NotificationsFactory.EmailOf(id);
}
