using Agora.Notifications.Data;
using Agora.Notifications.Inbox;
using Agora.Notifications.Preferences;
using Agora.Notifications.Templates;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

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

    /// <summary>From this many recipients on, an event takes the bulk path (<see cref="DispatchBulkAsync"/>).</summary>
    internal const int BulkThreshold = 100;

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
        if (known && onlyChannels is null && ids.Count >= BulkThreshold)
        {
            return await DispatchBulkAsync(eventId, templateKey, parameters, ids, ct);
        }
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

    /// <summary>
    /// The fan-out path for many recipients (announcements, everyone-events): per chunk of recipients,
    /// one statement inserts the deliveries with <c>ON CONFLICT (event_id, participant_id, channel) DO
    /// NOTHING</c> and, for the in-app rows that were really inserted, the inbox messages. It runs in
    /// the caller's (inbox) transaction, so a redelivered or concurrently delivered batch adds nothing.
    /// The template is rendered once per language chain, not per recipient; nothing is tracked by EF.
    /// </summary>
    public async Task<int> DispatchBulkAsync(Guid eventId, string templateKey, IReadOnlyDictionary<string, string> parameters,
        IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        if (!catalogue.TryGet(templateKey, out var template))
        {
            return await DispatchAsync(eventId, templateKey, parameters, recipients, ct);
        }
        var now = time.GetUtcNow();
        var parametersJson = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>(parameters, StringComparer.Ordinal), JsonOptions);
        var inboxCategory = templateKey.Split('.')[0];
        // One rendering per (preferred language, known language): the in-app text for everyone alike.
        var rendered = new Dictionary<(string?, string?), (RenderedMessage? Message, TemplateException? Error)>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        var created = 0;
        foreach (var chunk in recipients.Distinct().Chunk(Chunk))
        {
            var erased = (await db.Erased.Where(e => chunk.Contains(e.ParticipantId)).Select(e => e.ParticipantId).ToListAsync(ct)).ToHashSet();
            var languages = await db.Participants.Where(p => chunk.Contains(p.ParticipantId))
                .Select(p => new { p.ParticipantId, p.Language }).ToDictionaryAsync(p => p.ParticipantId, p => p.Language, ct);
            var preferences = await db.Preferences.AsNoTracking().Where(p => chunk.Contains(p.ParticipantId)).ToDictionaryAsync(p => p.ParticipantId, ct);
            var rows = new BulkRows(chunk.Length * 2);
            foreach (var participantId in chunk)
            {
                if (erased.Contains(participantId))
                {
                    continue;
                }
                preferences.TryGetValue(participantId, out var preference);
                foreach (var channel in NotificationPreferences.ChannelsFor(preference, template.Category).Distinct(StringComparer.Ordinal))
                {
                    var id = Guid.CreateVersion7(now);
                    if (channel == ChannelNames.InApp)
                    {
                        var key = (preference?.Language, languages.GetValueOrDefault(participantId));
                        if (!rendered.TryGetValue(key, out var text))
                        {
                            try
                            {
                                text = (catalogue.Render(templateKey, parameters, Languages.Chain([key.Item1, key.Item2])), null);
                            }
                            catch (TemplateException e)
                            {
                                logger.LogError("Template {TemplateKey} cannot be rendered ({Code}) for event {EventId}", templateKey, e.Code, eventId);
                                text = (null, e);
                            }
                            rendered[key] = text;
                        }
                        if (text.Message is { } message)
                        {
                            rows.Add(id, participantId, channel, DeliveryStatus.Sent, 1, now, null, message.Language, now);
                            rows.AddInApp(id, participantId, message.Language,
                                FreeText.Truncate(message.Title, 300), message.Body);
                        }
                        else
                        {
                            rows.Add(id, participantId, channel, DeliveryStatus.Failed, 0, now, ErrorText.Clean($"{text.Error!.Code}: {text.Error.Message}"), null, null);
                        }
                    }
                    else if (preference is { Digest: true })
                    {
                        rows.Add(id, participantId, channel, DeliveryStatus.Digest, 0, NotificationPreferences.NextDigest(preference, now), null, null, null);
                    }
                    else
                    {
                        rows.Add(id, participantId, channel, DeliveryStatus.Pending, 0, NotificationPreferences.NotBefore(preference, now), null, null, null);
                    }
                }
            }
            if (rows.Count == 0)
            {
                continue;
            }
            await using var command = new NpgsqlCommand("""
                WITH d AS (
                  INSERT INTO deliveries (id, event_id, participant_id, channel, category, template_key, parameters, status, attempts,
                                          next_attempt_at, last_error, language, created_at, sent_at)
                  SELECT u.id, @event, u.participant_id, u.channel, @category, @template, @parameters::jsonb, u.status, u.attempts,
                         u.next_attempt_at, u.last_error, u.language, @now, u.sent_at
                  FROM unnest(@ids, @participants, @channels, @statuses, @attempts, @next, @errors, @languages, @sent)
                       AS u(id, participant_id, channel, status, attempts, next_attempt_at, last_error, language, sent_at)
                  ON CONFLICT (event_id, participant_id, channel) DO NOTHING
                  RETURNING id),
                n AS (
                  INSERT INTO notifications (id, participant_id, category, language, title, body, created_at)
                  SELECT n.id, n.participant_id, @inbox, n.language, n.title, n.body, @now
                  FROM unnest(@n_ids, @n_participants, @n_languages, @n_titles, @n_bodies) AS n(id, participant_id, language, title, body)
                  WHERE n.id IN (SELECT id FROM d)
                  RETURNING participant_id)
                SELECT (SELECT count(*) FROM d), ARRAY(SELECT participant_id FROM n)
                """, connection, transaction);
            var p = command.Parameters;
            p.AddWithValue("event", eventId);
            p.AddWithValue("category", template.Category);
            p.AddWithValue("template", templateKey);
            p.AddWithValue("parameters", parametersJson);
            p.AddWithValue("now", now);
            p.AddWithValue("inbox", inboxCategory);
            p.AddWithValue("ids", rows.Ids.ToArray());
            p.AddWithValue("participants", rows.Participants.ToArray());
            p.AddWithValue("channels", rows.Channels.ToArray());
            p.AddWithValue("statuses", rows.Statuses.ToArray());
            p.AddWithValue("attempts", rows.Attempts.ToArray());
            p.AddWithValue("next", rows.Next.ToArray());
            p.Add(new NpgsqlParameter<string?[]>("errors", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = rows.Errors.ToArray() });
            p.Add(new NpgsqlParameter<string?[]>("languages", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = rows.Languages.ToArray() });
            p.Add(new NpgsqlParameter<DateTimeOffset?[]>("sent", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz) { TypedValue = rows.Sent.ToArray() });
            p.AddWithValue("n_ids", rows.InAppIds.ToArray());
            p.AddWithValue("n_participants", rows.InAppParticipants.ToArray());
            p.AddWithValue("n_languages", rows.InAppLanguages.ToArray());
            p.AddWithValue("n_titles", rows.InAppTitles.ToArray());
            p.AddWithValue("n_bodies", rows.InAppBodies.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            created += (int)reader.GetInt64(0);
            foreach (var participantId in reader.GetFieldValue<Guid[]>(1))
            {
                signal.Notify(participantId);
            }
        }
        return created;
    }

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>Column arrays for one bulk insert.</summary>
    private sealed class BulkRows(int capacity)
    {
        public List<Guid> Ids { get; } = new(capacity);
        public List<Guid> Participants { get; } = new(capacity);
        public List<string> Channels { get; } = new(capacity);
        public List<string> Statuses { get; } = new(capacity);
        public List<int> Attempts { get; } = new(capacity);
        public List<DateTimeOffset> Next { get; } = new(capacity);
        public List<string?> Errors { get; } = new(capacity);
        public List<string?> Languages { get; } = new(capacity);
        public List<DateTimeOffset?> Sent { get; } = new(capacity);
        public List<Guid> InAppIds { get; } = [];
        public List<Guid> InAppParticipants { get; } = [];
        public List<string> InAppLanguages { get; } = [];
        public List<string> InAppTitles { get; } = [];
        public List<string> InAppBodies { get; } = [];
        public int Count => Ids.Count;

        public void Add(Guid id, Guid participantId, string channel, string status, int attempts, DateTimeOffset next, string? error, string? language, DateTimeOffset? sent)
        {
            Ids.Add(id);
            Participants.Add(participantId);
            Channels.Add(channel);
            Statuses.Add(status);
            Attempts.Add(attempts);
            Next.Add(next);
            Errors.Add(error);
            Languages.Add(language);
            Sent.Add(sent);
        }

        public void AddInApp(Guid id, Guid participantId, string language, string title, string body)
        {
            InAppIds.Add(id);
            InAppParticipants.Add(participantId);
            InAppLanguages.Add(language);
            InAppTitles.Add(title);
            InAppBodies.Add(body);
        }
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
                Title = FreeText.Truncate(message.Title, 300),
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
