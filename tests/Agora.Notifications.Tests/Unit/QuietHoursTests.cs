using Agora.Notifications.Channels;
using Agora.Notifications.Preferences;
using Agora.Notifications.Templates;
using MimeKit;

namespace Agora.Notifications.Tests.Unit;

public sealed class QuietHoursTests
{
    // Tunis is UTC+1 all year.
    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 12, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void A_message_in_quiet_hours_across_midnight_waits_until_they_end_in_tunis_time()
    {
        var preferences = new NotificationPreferences { ParticipantId = Guid.NewGuid(), QuietFrom = new TimeOnly(22, 0), QuietTo = new TimeOnly(7, 0) };

        Assert.Equal(Utc(2, 6), NotificationPreferences.NotBefore(preferences, Utc(1, 22)));   // 23:00 Tunis -> 07:00 next day
        Assert.Equal(Utc(2, 6), NotificationPreferences.NotBefore(preferences, Utc(2, 3)));    // 04:00 Tunis -> 07:00 same day
        Assert.Equal(Utc(2, 12), NotificationPreferences.NotBefore(preferences, Utc(2, 12)));  // 13:00 Tunis: not quiet
        Assert.Equal(Utc(2, 12), NotificationPreferences.NotBefore(null, Utc(2, 12)));
    }

    [Fact]
    public void Quiet_hours_within_a_day_and_the_next_digest_time()
    {
        var preferences = new NotificationPreferences { ParticipantId = Guid.NewGuid(), QuietFrom = new TimeOnly(13, 0), QuietTo = new TimeOnly(15, 30), DigestAt = new TimeOnly(18, 0) };

        Assert.Equal(Utc(3, 14, 30), NotificationPreferences.NotBefore(preferences, Utc(3, 12, 10)));
        Assert.Equal(Utc(3, 17), NotificationPreferences.NextDigest(preferences, Utc(3, 9)));
        Assert.Equal(Utc(4, 17), NotificationPreferences.NextDigest(preferences, Utc(3, 17)));
    }

    [Fact]
    public void Arabic_email_is_right_to_left_html_with_a_plain_text_part()
    {
        var message = new RenderedMessage("welcome", "ar", "مرحبًا <بكم>", "سطر أول\nسطر ثانٍ");

        var email = EmailComposer.Compose(message, MailboxAddress.Parse("no-reply@agora.tn"), MailboxAddress.Parse("a@example.tn"), Guid.NewGuid());

        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;بكم&gt;", email.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("سطر أول\nسطر ثانٍ\n", email.TextBody!.ReplaceLineEndings("\n"));
        Assert.Equal("ar", email.Headers["Content-Language"]);
    }

    [Theory]
    [InlineData("someone@example.tn", true)]
    [InlineData("not-an-email", false)]
    [InlineData("a@b", false)]
    [InlineData("two words@example.tn", false)]
    [InlineData("", false)]
    public void Invalid_addresses_are_recognised(string address, bool valid) => Assert.Equal(valid, EmailComposer.ParseAddress(address) is not null);
}
