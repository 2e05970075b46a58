using Agora.Notifications.Data;
using Agora.Notifications.Inbox;
using Agora.Notifications.Preferences;
using Agora.Notifications.Templates;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Deliveries;

/// <summary>
/// Turns one event into messages: for each recipient and each channel they chose for the template's
/// category, one <see cref="Delivery"/> (at most one per event, recipient and channel). The in-app
/// message is stored at once; email and SMS wait in the queue (until quiet hours end, or for the
/// daily digest). Changes are added to the DbContext; the caller saves them with its transaction.
/// </summary>
public sealed class Dispatcher(NotificationsDbContext db, TemplateCatalogue catalogue, TimeProvider time, InboxSignal signal, ILogger<Dispatcher> logger)
{
    private const int Chunk = 1000;

    /// <param name="onlyChannels">
    /// Urgent, personal messages (one-time codes) name their channels: preferences, quiet hours and
    /// digests do not hold them back.
    /// </param>
    public async Task<int> DispatchAsync(Guid eventId, string templateKey, IReadOnlyDictionary<string, string> parameters,
        IEnumerable<Guid> recipients, CancellationToken ct, IReadOnlyList<string>? onlyChannels = null)
    {
        var now = time.GetUtcNow();
        var ids = recipients.Distinct().ToList();
        var known = catalogue.TryGet(templateKey, out var template);
        if (!known)
        {
            logger.LogError("Unknown template key {TemplateKey} for event {EventId}: failures recorded for {Count} recipients", templateKey, eventId, ids.Count);
        }
        var created = 0;
        var notified = new List<Guid>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var erased = (await db.Erased.Where(e => chunk.Contains(e.ParticipantId)).Select(e => e.ParticipantId).ToListAsync(ct)).ToHashSet();
            var participants = await db.Participants.AsNoTracking().Where(p => chunk.Contains(p.ParticipantId)).ToDictionaryAsync(p => p.ParticipantId, ct);
            foreach (var added in db.Participants.Local.Where(p => chunk.Contains(p.ParticipantId)))
            {
                // Recorded by the same consumer a moment ago (e.g. ParticipantRegistered), not saved yet.
                participants[added.ParticipantId] = added;
            }
            var preferences = await db.Preferences.AsNoTracking().Where(p => chunk.Contains(p.ParticipantId)).ToDictionaryAsync(p => p.ParticipantId, ct);
            var existing = (await db.Deliveries.Where(d => d.EventId == eventId && chunk.Contains(d.ParticipantId))
                .Select(d => new { d.ParticipantId, d.Channel }).ToListAsync(ct)).Select(d => (d.ParticipantId, d.Channel)).ToHashSet();
            foreach (var participantId in chunk)
            {
                if (erased.Contains(participantId))
                {
                    continue;
                }
                preferences.TryGetValue(participantId, out var preference);
                participants.TryGetValue(participantId, out var participant);
                var channels = !known ? [ChannelNames.InApp] : onlyChannels ?? NotificationPreferences.ChannelsFor(preference, template.Category);
                foreach (var channel in channels)
                {
                    if (!existing.Add((participantId, channel)))
                    {
                        continue;
                    }
                    var delivery = new Delivery
                    {
                        Id = Guid.CreateVersion7(now),
                        EventId = eventId,
                        ParticipantId = participantId,
                        Channel = channel,
                        Category = known ? template.Category : "unknown",
                        TemplateKey = templateKey,
                        Parameters = new Dictionary<string, string>(parameters, StringComparer.Ordinal),
                        Status = DeliveryStatus.Pending,
                        NextAttemptAt = now,
                        CreatedAt = now,
                    };
                    if (!known)
                    {
                        Fail(delivery, "unknown-template", $"Unknown template key '{templateKey}'.");
                    }
                    else if (channel == ChannelNames.InApp)
                    {
                        StoreInApp(delivery, preference, participant?.Language, now);
                        notified.Add(participantId);
                    }
                    else if (onlyChannels is not null)
                    {
                        delivery.NextAttemptAt = now;
                    }
                    else if (preference is { Digest: true })
                    {
                        delivery.Status = DeliveryStatus.Digest;
                        delivery.NextAttemptAt = NotificationPreferences.NextDigest(preference, now);
                    }
                    else
                    {
                        delivery.NextAttemptAt = NotificationPreferences.NotBefore(preference, now);
                    }
                    db.Deliveries.Add(delivery);
                    created++;
                }
            }
        }
        foreach (var participantId in notified)
        {
            signal.Notify(participantId);
        }
        return created;
    }

    private void StoreInApp(Delivery delivery, NotificationPreferences? preference, string? language, DateTimeOffset now)
    {
        try
        {
            var message = catalogue.Render(delivery.TemplateKey, delivery.Parameters, Languages.Chain([preference?.Language, language]));
            db.Notifications.Add(new InAppNotification
            {
                Id = delivery.Id,
                ParticipantId = delivery.ParticipantId,
                // The inbox shows the kind of message: the template key's first part (welcome, vetting, session, charter, ...).
                Category = delivery.TemplateKey.Split('.')[0],
                Language = message.Language,
                Title = message.Title.Length > 300 ? message.Title[..300] : message.Title,
                Body = message.Body,
                CreatedAt = now,
            });
            delivery.Status = DeliveryStatus.Sent;
            delivery.Attempts = 1;
            delivery.SentAt = now;
            delivery.Language = message.Language;
        }
        catch (TemplateException e)
        {
            logger.LogError("Template {TemplateKey} cannot be rendered ({Code}) for delivery {DeliveryId}", delivery.TemplateKey, e.Code, delivery.Id);
            Fail(delivery, e.Code, e.Message);
        }
    }

    internal static void Fail(Delivery delivery, string code, string detail)
    {
        delivery.Status = DeliveryStatus.Failed;
        delivery.LastError = ErrorText.Clean($"{code}: {detail}");
    }
}
