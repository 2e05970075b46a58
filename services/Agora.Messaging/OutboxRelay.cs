using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agora.Messaging;

public sealed class OutboxOptions
{
    /// <summary>How often the relay looks for unsent events when the last batch was not full.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Rows claimed and published per transaction. Large enough that the relay keeps up with a busy service: under
    /// load each batch's round trips wait behind request work, so the relay's rate is about one batch per wait.
    /// </summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Longest wait between attempts while the broker is unreachable.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest wait for the broker to confirm one publish. A publish caught by a dropped connection
    /// can wait forever; past this it counts as a broker failure and the row is tried again.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A row that cannot be turned back into a message is given up after this many tries.</summary>
    public int MaxAttempts { get; set; } = 5;
}

/// <summary>
/// Publishes the outbox. Each batch is claimed with <c>FOR UPDATE SKIP LOCKED</c> inside a
/// transaction that also marks the rows sent, so several replicas never publish the same row;
/// publishing waits for the broker's confirm, so a row is marked sent only once the broker has it.
/// A crash between confirm and commit republishes the row with the same MessageId, which
/// consumers' inboxes absorb.
/// </summary>
public sealed class OutboxRelay<TDbContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay<TDbContext>> logger) : BackgroundService where TDbContext : DbContext
{
    private static readonly ActivitySource Source = new("Agora.Messaging");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            int published;
            try
            {
                published = await PublishBatchAsync(settings, stoppingToken);
                failures = 0;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(settings.MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10))));
                logger.LogWarning("Outbox relay for {DbContext} failed ({ExceptionType}); retrying in {Backoff}", typeof(TDbContext).Name, e.GetType().Name, backoff);
                await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            if (published < settings.BatchSize)
            {
                await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Publishes one batch; returns how many rows it claimed.</summary>
    internal async Task<int> PublishBatchAsync(OutboxOptions settings, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = await db.Set<OutboxMessage>()
            .FromSql($"""
                SELECT * FROM outbox_messages
                WHERE sent_at IS NULL AND attempts < {settings.MaxAttempts}
                ORDER BY created_at, id
                LIMIT {settings.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(ct);
        if (batch.Count == 0)
        {
            return 0;
        }

        // The batch is published concurrently (each publish still waits for its confirm): one round
        // trip to the broker per batch instead of one per row. Only confirmed rows are marked sent;
        // the rest stay unsent for the next attempt.
        var publishes = new List<(OutboxMessage Row, Task Publish)>(batch.Count);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(settings.PublishTimeout);
            foreach (var row in batch)
            {
                if (TryRead(row, out var message, out var type))
                {
                    publishes.Add((row, PublishAsync(row, message, type, timeout.Token)));
                }
            }
            try
            {
                await Task.WhenAll(publishes.Select(p => p.Publish));
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Looked at per publish below.
            }
        }
        ct.ThrowIfCancellationRequested();

        Exception? brokerFailure = null;
        var sent = new List<Guid>(publishes.Count);
        foreach (var (row, publish) in publishes)
        {
            if (publish.IsCompletedSuccessfully)
            {
                sent.Add(row.Id);
            }
            else
            {
                brokerFailure ??= publish.Exception?.InnerException ?? new TimeoutException("The broker did not confirm in time.");
            }
        }
        // One statement marks the confirmed rows sent; only rows that could not be read back carry tracked changes.
        if (sent.Count > 0)
        {
            var sentAt = time.GetUtcNow();
            await db.Set<OutboxMessage>().Where(m => sent.Contains(m.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.SentAt, sentAt), CancellationToken.None);
        }
        await db.SaveChangesAsync(CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        if (brokerFailure is not null)
        {
            throw new OutboxPublishException("Publishing to the broker failed.", brokerFailure);
        }
        return batch.Count;
    }

    private async Task PublishAsync(OutboxMessage row, object message, Type type, CancellationToken ct)
    {
        ActivityContext.TryParse(row.TraceParent, null, out var parent);
        using var activity = Source.StartActivity($"outbox publish {type.Name}", ActivityKind.Internal, parent);
        await bus.Publish(message, type, context => context.MessageId = row.Id, ct);
    }

    private bool TryRead(OutboxMessage row, out object message, out Type type)
    {
        message = null!;
        type = Type.GetType(row.MessageType, throwOnError: false)!;
        try
        {
            if (type is null)
            {
                throw new InvalidOperationException($"Unknown message type '{row.MessageType}'.");
            }
            message = JsonSerializer.Deserialize(row.Payload, type, OutboxMessage.Json)
                ?? throw new InvalidOperationException("The payload is null.");
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException or NotSupportedException)
        {
            row.Attempts++;
            row.LastError = OutboxError.Text(e.Message);
            logger.LogError("Outbox row {OutboxId} cannot be read back into a message (attempt {Attempts})", row.Id, row.Attempts);
            return false;
        }
    }
}

/// <summary>What an outbox row keeps of the error that stopped it.</summary>
internal static class OutboxError
{
    public const int MaxLength = 1000;

    /// <summary>The message, cut to <see cref="MaxLength"/> characters, never between the two halves of a surrogate pair.</summary>
    public static string Text(string message) =>
        message.Length <= MaxLength ? message
        : message[..(char.IsHighSurrogate(message[MaxLength - 1]) ? MaxLength - 1 : MaxLength)];
}

public sealed class OutboxPublishException(string message, Exception inner) : Exception(message, inner);
