using Agora.Contracts.Workshops;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Templates;
using Agora.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Notifications.Tests.Functional;

/// <summary>The service on a <see cref="FakeTimeProvider"/> the test moves forward.</summary>
public sealed class FakeClockFactory : NotificationsFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }
}

public sealed class RemindersTests(FakeClockFactory factory) : IClassFixture<FakeClockFactory>
{
    private static int CountOf(List<Delivery> deliveries, string key, string channel) => deliveries.Count(d => d.TemplateKey == key && d.Channel == channel);

    [Fact]
    public async Task A_confirmed_registration_gets_a_reminder_24_hours_and_1_hour_before_each_once()
    {
        var id = await factory.ParticipantAsync("fr");
        var startsAt = factory.Clock.GetUtcNow().AddHours(48);
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), id, "confirmed", startsAt, factory.Clock.GetUtcNow()));
        await factory.WaitForDeliveriesAsync(id, d => CountOf(d, "session.registration-confirmed", "inapp") == 1, "the confirmation");

        factory.Clock.Advance(TimeSpan.FromHours(23));
        var early = await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Sent), "the confirmation email");
        Assert.Equal(0, CountOf(early, "session.reminder-24h", "inapp"));

        factory.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var day = await factory.WaitForDeliveriesAsync(id, d => CountOf(d, "session.reminder-24h", "email") == 1 && d.All(x => x.Status == DeliveryStatus.Sent), "the 24 h reminder");
        Assert.Equal(1, CountOf(day, "session.reminder-24h", "inapp"));
        Assert.Equal(0, CountOf(day, "session.reminder-1h", "inapp"));
        var email = Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(id)), m => m.Subject == "Rappel : votre séance demain");
        Assert.Contains(TemplateCatalogue.FormatTime(startsAt), email.TextBody, StringComparison.Ordinal);

        factory.Clock.Advance(TimeSpan.FromHours(23) - TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(30));
        var hour = await factory.WaitForDeliveriesAsync(id, d => CountOf(d, "session.reminder-1h", "inapp") == 1, "the 1 h reminder");
        factory.Clock.Advance(TimeSpan.FromHours(2));
        await using var scope = factory.Scope(out var db);
        await Eventually.UntilAsync(async () => !await db.Reminders.AnyAsync(r => r.ParticipantId == id && r.DispatchedAt == null), because: "every reminder dispatched");
        var all = await factory.DeliveriesAsync(id);
        Assert.Equal(1, CountOf(all, "session.reminder-24h", "inapp"));
        Assert.Equal(1, CountOf(all, "session.reminder-1h", "inapp"));
        Assert.Equal(2, await db.Reminders.CountAsync(r => r.ParticipantId == id));
        Assert.NotEmpty(hour);
    }

    [Fact]
    public async Task A_late_promotion_gets_only_the_1_hour_reminder_and_a_cancelled_session_drops_its_reminders()
    {
        var promoted = await factory.ParticipantAsync("ar");
        var cancelledOne = await factory.ParticipantAsync("en");
        var now = factory.Clock.GetUtcNow();
        var session = Guid.NewGuid();
        var other = Guid.NewGuid();

        await factory.PublishAsync(new WaitlistPromoted(Guid.NewGuid(), session, Guid.NewGuid(), promoted, now.AddMinutes(30), now));
        await factory.PublishAsync(new SessionRegistrationConfirmed(Guid.NewGuid(), other, Guid.NewGuid(), cancelledOne, "confirmed", now.AddDays(3), now));
        var soon = await factory.WaitForDeliveriesAsync(promoted, d => CountOf(d, "session.reminder-1h", "inapp") == 1, "the 1 h reminder at once");
        await factory.WaitForDeliveriesAsync(cancelledOne, d => CountOf(d, "session.registration-confirmed", "inapp") == 1, "the confirmation");
        await factory.PublishAsync(new WorkshopSessionCancelled(Guid.NewGuid(), other, now));
        await factory.WaitForDeliveriesAsync(cancelledOne, d => CountOf(d, "session.cancelled", "inapp") == 1, "the cancellation");

        Assert.Equal(0, CountOf(soon, "session.reminder-24h", "inapp"));
        Assert.Equal(1, CountOf(soon, "session.waitlist-promoted", "inapp"));
        await using var scope = factory.Scope(out var db);
        Assert.False(await db.Reminders.AnyAsync(r => r.SessionId == other));
        Assert.Equal(["session.reminder-1h"], await db.Reminders.Where(r => r.SessionId == session).Select(r => r.TemplateKey).ToListAsync());
    }
}
