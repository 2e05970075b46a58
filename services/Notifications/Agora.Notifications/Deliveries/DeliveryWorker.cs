using Agora.Notifications.Channels;
using Agora.Notifications.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Notifications.Deliveries;

/// <summary>
/// Sends the queue: claims due pending email/SMS rows with <c>FOR UPDATE SKIP LOCKED</c> (so replicas
/// never send the same row), sends each, and records the outcome in the same transaction: sent;
/// a transient failure is retried with exponential backoff; a permanent one (or too many attempts)
/// is recorded as failed. Also folds held digest items into one daily digest email.
/// </summary>
public sealed class DeliveryWorker(IServiceScopeFactory scopes, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(lane => Task.Run(() => RunLaneAsync(lane, stoppingToken), stoppingToken)));

    private async Task RunLaneAsync(int lane, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var processed = 0;
            try
            {
                if (lane == 0)
                {
                    await CollectDigestsAsync(stoppingToken);
                }
                processed = await SendBatchAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Delivery queue pass failed ({ExceptionType}); retrying", e.GetType().Name);
            }
            if (processed < settings.BatchSize)
            {
                await Task.Delay(settings.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Sends one batch of due messages; returns how many it claimed.</summary>
    internal async Task<int> SendBatchAsync(CancellationToken ct)
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
                """).ToListAsync(ct);
            if (batch.Count == 0)
            {
                return 0;
            }
            var ids = batch.Select(d => d.ParticipantId).Distinct().ToList();
            var preferences = await db.Preferences.AsNoTracking().Where(p => ids.Contains(p.ParticipantId)).ToDictionaryAsync(p => p.ParticipantId, ct);
            var languages = await db.Participants.AsNoTracking().Where(p => ids.Contains(p.ParticipantId))
                .ToDictionaryAsync(p => p.ParticipantId, p => p.Language, ct);
            await using (var sender = scope.ServiceProvider.GetRequiredService<MessageSender>())
            {
                // Contact details for the whole batch, asked concurrently; held in memory for this batch only.
                var lookups = new System.Collections.Concurrent.ConcurrentDictionary<Guid, MessageSender.Lookup>();
                await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.LookupConcurrency), CancellationToken = ct },
                    async (id, token) => lookups[id] = await sender.LookupAsync(id, token));
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
                }
            }
            await db.SaveChangesAsync(CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
            return batch.Count;
        });
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
