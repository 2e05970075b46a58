namespace Agora.Notifications.Deliveries;

public sealed class DeliveryOptions
{
    /// <summary>How often the queue is polled when the last batch was not full.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int BatchSize { get; set; } = 100;
    /// <summary>Batches sent at once, each over its own SMTP connection (rows are claimed with SKIP LOCKED, so never twice).</summary>
    public int Concurrency { get; set; } = 4;
    /// <summary>One-by-one contact look-ups in flight at once for a batch, when the registry does not answer the batch call.</summary>
    public int LookupConcurrency { get; set; } = 16;
    /// <summary>Transient failures are retried this many times (with backoff) before the message is recorded as failed.</summary>
    public int MaxAttempts { get; set; } = 40;
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(attempts - 1, 0), 20))));
}
