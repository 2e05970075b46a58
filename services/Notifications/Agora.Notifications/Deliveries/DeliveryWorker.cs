using Agora.Notifications.Channels;
using Agora.Notifications.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Agora.Notifications.Deliveries;

/// <summary>
/// Sends the queue: claims due pending email/SMS rows with <c>FOR UPDATE SKIP LOCKED</c> (so replicas
/// never send the same row), sends each over the lane's SMTP connection, and records the outcomes in
/// the same transaction (one UPDATE per batch): sent;
/// a transient failure is retried with exponential backoff; a permanent one (or too many attempts)
/// is recorded as failed. Also folds held digest items into one daily digest email.
/// </summary>
public sealed class DeliveryWorker(IServiceScopeFactory scopes, IServiceProvider services, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(lane => Task.Run(() => RunLaneAsync(lane, stoppingToken), stoppingToken)));

    private async Task RunLaneAsync(int lane, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        // Each lane keeps its own SMTP connection across batches; it is closed when the queue runs dry.
        await using var email = ActivatorUtilities.CreateInstance<EmailChannel>(services);
        while (!stoppingToken.IsCancellationRequested)
        {
            var processed = 0;
            try
            {
                if (lane == 0)
                {
                    await CollectDigestsAsync(stoppingToken);
                }
                processed = await SendBatchAsync(email, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Delivery queue pass failed ({ExceptionType}); retrying", e.GetType().Name);
            }
            if (processed == 0)
            {
                await email.CloseAsync();
            }
            if (processed < settings.BatchSize)
            {
                await Task.Delay(settings.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Sends one batch of due messages over <paramref name="email"/>; returns how many it claimed. The
    /// rows stay locked (<c>FOR UPDATE SKIP LOCKED</c>) until their outcomes are written, all in one
    /// UPDATE, in the same transaction.
    /// </summary>
    internal async Task<int> SendBatchAsync(EmailChannel email, CancellationToken ct)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = time.GetUtcNow();
            var batch = await db.Deliveries.FromSql($"""
                SELECT * FROM deliveries
                WHERE status = 'pending' AND next_attempt_at <= {now}
                ORDER BY next_attempt_at, id
                LIMIT {settings.BatchSize}
                FOR UPDATE SKIP LOCKED
                """).AsNoTracking().ToListAsync(ct);
            if (batch.Count == 0)
            {
                return 0;
            }
            var ids = batch.Select(d => d.ParticipantId).Distinct().ToList();
            var preferences = await db.Preferences.AsNoTracking().Where(p => ids.Contains(p.ParticipantId)).ToDictionaryAsync(p => p.ParticipantId, ct);
            var languages = await db.Participants.AsNoTracking().Where(p => ids.Contains(p.ParticipantId))
                .ToDictionaryAsync(p => p.ParticipantId, p => p.Language, ct);
            var sender = ActivatorUtilities.CreateInstance<MessageSender>(scope.ServiceProvider, email);
            // Contact details for the whole batch (one registry call); held in memory for this batch only.
            var lookups = await sender.LookupManyAsync(ids, ct);
            var done = new List<Delivery>(batch.Count);
            foreach (var delivery in batch)
            {
                SendOutcome outcome;
                try
                {
                    outcome = await sender.SendAsync(delivery, preferences.GetValueOrDefault(delivery.ParticipantId),
                        languages.GetValueOrDefault(delivery.ParticipantId), lookups[delivery.ParticipantId], ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
                Apply(delivery, outcome, time.GetUtcNow(), settings);
                done.Add(delivery);
            }
            await RecordAsync(db, done);
            await tx.CommitAsync(CancellationToken.None);
            return batch.Count;
        });
    }

    /// <summary>The outcomes of a batch, written with one UPDATE (the rows are locked by the caller's transaction).</summary>
    private static async Task RecordAsync(NotificationsDbContext db, List<Delivery> done)
    {
        if (done.Count == 0)
        {
            return;
        }
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand("""
            UPDATE deliveries AS d
            SET status = u.status, attempts = u.attempts, next_attempt_at = u.next_attempt_at, last_error = u.last_error,
                language = u.language, sent_at = u.sent_at
            FROM unnest(@ids, @statuses, @attempts, @next, @errors, @languages, @sent)
                 AS u(id, status, attempts, next_attempt_at, last_error, language, sent_at)
            WHERE d.id = u.id
            """, connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        var p = command.Parameters;
        p.AddWithValue("ids", done.Select(d => d.Id).ToArray());
        p.AddWithValue("statuses", done.Select(d => d.Status).ToArray());
        p.AddWithValue("attempts", done.Select(d => d.Attempts).ToArray());
        p.AddWithValue("next", done.Select(d => d.NextAttemptAt).ToArray());
        p.Add(new NpgsqlParameter<string?[]>("errors", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = done.Select(d => d.LastError).ToArray() });
        p.Add(new NpgsqlParameter<string?[]>("languages", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = done.Select(d => d.Language).ToArray() });
        p.Add(new NpgsqlParameter<DateTimeOffset?[]>("sent", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = done.Select(d => d.SentAt).ToArray() });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    internal void Apply(Delivery delivery, SendOutcome outcome, DateTimeOffset now, DeliveryOptions settings)
    {
        delivery.Attempts++;
        switch (outcome.Result)
        {
            case SendResult.Sent:
                delivery.Status = DeliveryStatus.Sent;
                delivery.SentAt = now;
                delivery.LastError = null;
                break;
            case SendResult.Permanent:
                logger.LogWarning("Delivery {DeliveryId} ({Channel}) failed permanently", delivery.Id, delivery.Channel);
                Dispatcher.Fail(delivery, "permanent", outcome.Error ?? "unknown");
                break;
            default:
                if (delivery.Attempts >= settings.MaxAttempts)
                {
                    logger.LogWarning("Delivery {DeliveryId} ({Channel}) given up after {Attempts} attempts", delivery.Id, delivery.Channel, delivery.Attempts);
                    Dispatcher.Fail(delivery, "gave-up", $"after {delivery.Attempts} attempts: {outcome.Error}");
                }
                else
                {
                    delivery.LastError = ErrorText.Clean(outcome.Error ?? "transient");
                    delivery.NextAttemptAt = now + settings.Backoff(delivery.Attempts);
                }
                break;
        }
    }

    /// <summary>For each participant whose digest time has come, one digest email replaces their held items.</summary>
    internal async Task<int> CollectDigestsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var now = time.GetUtcNow();
        var due = await db.Deliveries.Where(d => d.Status == DeliveryStatus.Digest && d.NextAttemptAt <= now)
            .Select(d => d.ParticipantId).Distinct().OrderBy(id => id).Take(100).ToListAsync(ct);
        var strategy = db.Database.CreateExecutionStrategy();
        foreach (var participantId in due)
        {
            await strategy.ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var items = await db.Deliveries.FromSql($"""
                    SELECT * FROM deliveries
                    WHERE participant_id = {participantId} AND status = 'digest' AND next_attempt_at <= {now}
                    FOR UPDATE SKIP LOCKED
                    """).ToListAsync(ct);
                if (items.Count == 0)
                {
                    return;
                }
                foreach (var item in items)
                {
                    item.Status = DeliveryStatus.Digested;
                }
                var first = items.Min(i => i.Id);
                db.Deliveries.Add(new Delivery
                {
                    Id = Guid.CreateVersion7(now),
                    // The digest of the same held items is the same event: a rerun cannot send it twice.
                    EventId = first,
                    ParticipantId = participantId,
                    Channel = ChannelNames.Email,
                    Category = Templates.Categories.Digest,
                    TemplateKey = "digest",
                    Parameters = new() { ["deliveries"] = string.Join(',', items.OrderBy(i => i.CreatedAt).Select(i => i.Id)) },
                    Status = DeliveryStatus.Pending,
                    NextAttemptAt = now,
                    CreatedAt = now,
                });
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            });
        }
        return due.Count;
    }
}
