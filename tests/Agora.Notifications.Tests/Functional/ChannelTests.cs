using System.Net.Http.Json;
using Agora.Contracts.Registry;
using Agora.Notifications.Deliveries;
using Agora.ServiceDefaults;
using Agora.Testing;

namespace Agora.Notifications.Tests.Functional;

public sealed class ChannelTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    private async Task WantSmsAsync(Guid id, string category = "account")
    {
        var client = factory.ClientFor(id, Roles.Participant);
        var response = await client.PutAsJsonAsync("/api/notifications/me/preferences",
            new { channels = new Dictionary<string, string[]> { [category] = ["inapp", "sms"] }, digest = false });
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task An_arabic_sms_goes_to_the_provider_as_ucs2_segments_and_a_provider_outage_is_retried()
    {
        var phone = "+2162" + Random.Shared.Next(1000000, 9999999);
        var id = await factory.ParticipantAsync("ar", phone: phone);
        await WantSmsAsync(id);
        factory.Sms.NextStatuses.Enqueue(503);

        await factory.PublishAsync(new ParticipantVettingDecided(id, "organization", "approved", null, DateTimeOffset.UtcNow));

        var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.Channel == "sms" && x.Status == DeliveryStatus.Sent), "the SMS to be sent");
        var sms = Assert.Single(deliveries, d => d.Channel == "sms");
        Assert.Equal(2, sms.Attempts);
        Assert.DoesNotContain(deliveries, d => d.Channel == "email");
        var sent = Assert.Single(factory.Sms.To(phone));
        Assert.Equal("ucs2", sent.GetProperty("encoding").GetString());
        var text = sent.GetProperty("text").GetString()!;
        var segments = sent.GetProperty("segments").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.StartsWith("تمّت الموافقة على تسجيلكم", text, StringComparison.Ordinal);
        Assert.Equal((text.Length + 66) / 67, segments.Count);
        Assert.Equal(text, string.Concat(segments));
        Assert.All(segments, s => Assert.True(s.Length <= 67));
    }

    [Fact]
    public async Task A_rejected_sms_and_an_invalid_phone_number_are_recorded_as_permanent_failures()
    {
        var rejected = await factory.ParticipantAsync("fr", phone: "+21698" + Random.Shared.Next(100000, 999999));
        var invalid = await factory.ParticipantAsync("fr", phone: "0021698 12");
        await WantSmsAsync(rejected);
        await WantSmsAsync(invalid);
        factory.Sms.NextStatuses.Enqueue(400);

        await factory.PublishAsync(new ParticipantVettingDecided(rejected, "individual", "confirmed", null, DateTimeOffset.UtcNow));
        var first = await factory.WaitForDeliveriesAsync(rejected, d => d.Any(x => x.Channel == "sms" && x.Status == DeliveryStatus.Failed), "a recorded failure");
        await factory.PublishAsync(new ParticipantVettingDecided(invalid, "individual", "confirmed", null, DateTimeOffset.UtcNow));
        var second = await factory.WaitForDeliveriesAsync(invalid, d => d.Any(x => x.Channel == "sms" && x.Status == DeliveryStatus.Failed), "a recorded failure");

        Assert.StartsWith("permanent: sms-400", first.Single(d => d.Channel == "sms").LastError, StringComparison.Ordinal);
        Assert.Equal(1, first.Single(d => d.Channel == "sms").Attempts);
        Assert.StartsWith("permanent: invalid-phone-number", second.Single(d => d.Channel == "sms").LastError, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Sent, second.Single(d => d.Channel == "inapp").Status);
    }

    [Fact]
    public async Task A_5xx_smtp_reply_and_an_invalid_address_are_recorded_failures_and_other_mail_still_goes()
    {
        var refused = await factory.ParticipantAsync("en", email: $"refused-{Guid.NewGuid():N}@example.tn");
        var invalid = await factory.ParticipantAsync("en", email: "not-an-address");
        var fine = await factory.ParticipantAsync("en");
        factory.Smtp.Reply = m => m.To.Mailboxes.Any(b => b.Address.StartsWith("refused-", StringComparison.Ordinal))
            ? new SmtpServer.Protocol.SmtpResponse(SmtpServer.Protocol.SmtpReplyCode.MailboxUnavailable, "mailbox unavailable")
            : null;
        try
        {
            foreach (var id in new[] { refused, invalid, fine })
            {
                await factory.PublishAsync(new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow));
            }

            var r = await factory.WaitForDeliveriesAsync(refused, d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Failed), "refused recorded");
            var i = await factory.WaitForDeliveriesAsync(invalid, d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Failed), "invalid recorded");
            await factory.WaitForDeliveriesAsync(fine, d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Sent), "other mail sent");

            Assert.StartsWith("permanent: smtp-550", r.Single(d => d.Channel == "email").LastError, StringComparison.Ordinal);
            Assert.StartsWith("permanent: invalid-email-address", i.Single(d => d.Channel == "email").LastError, StringComparison.Ordinal);
            Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(fine)));
        }
        finally
        {
            factory.Smtp.Reply = null;
        }
    }

    [Fact]
    public async Task A_4xx_smtp_reply_is_retried_until_the_server_accepts()
    {
        var id = await factory.ParticipantAsync("fr");
        var refusals = 2;
        factory.Smtp.Reply = m => m.To.Mailboxes.Any(b => b.Address == NotificationsFactory.EmailOf(id)) && Interlocked.Decrement(ref refusals) >= 0
            ? new SmtpServer.Protocol.SmtpResponse(SmtpServer.Protocol.SmtpReplyCode.ServiceUnavailable, "try later")
            : null;
        try
        {
            await factory.PublishAsync(new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow));

            var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Sent), "the email after retries");
            Assert.Equal(3, deliveries.Single(d => d.Channel == "email").Attempts);
            Assert.Single(factory.Smtp.To(NotificationsFactory.EmailOf(id)));
        }
        finally
        {
            factory.Smtp.Reply = null;
        }
    }

    [Fact]
    public async Task A_participant_unknown_to_the_registry_is_a_recorded_failure_and_the_registry_token_is_reused()
    {
        var id = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            db.Participants.Add(new Recipients.KnownParticipant { ParticipantId = id, Kind = "individual", Language = "fr", UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await factory.PublishAsync(new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow));

        var deliveries = await factory.WaitForDeliveriesAsync(id, d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Failed), "the failure");
        Assert.StartsWith("permanent: unknown-participant", deliveries.Single(d => d.Channel == "email").LastError, StringComparison.Ordinal);
        Assert.Equal(1, factory.Registry.TokenRequests);
        Assert.Equal(0, factory.Registry.RejectedLookups);
    }
}
