namespace Agora.Notifications.Deliveries;

public static class ChannelNames
{
    public const string InApp = "inapp";
    public const string Email = "email";
    public const string Sms = "sms";

    public static readonly IReadOnlyList<string> All = [InApp, Email, Sms];
}

public static class DeliveryStatus
{
    /// <summary>Waiting in the queue (possibly until quiet hours end or a retry is due).</summary>
    public const string Pending = "pending";
    public const string Sent = "sent";
    /// <summary>Permanently failed: see <see cref="Delivery.LastError"/>.</summary>
    public const string Failed = "failed";
    /// <summary>Held for the participant's daily digest.</summary>
    public const string Digest = "digest";
    /// <summary>Included in a sent digest (the digest's own delivery carries the status).</summary>
    public const string Digested = "digested";
}

/// <summary>
/// One message to one recipient on one channel, at most one per (event, recipient, channel). It is
/// also the delivery queue: pending rows are sent by <see cref="DeliveryWorker"/> when due.
/// Holds no contact details: they are asked from the registry at send time.
/// </summary>
public sealed class Delivery
{
    public Guid Id { get; init; }
    /// <summary>The message id of the event (or the announcement / reminder id) that caused it.</summary>
    public Guid EventId { get; init; }
    public Guid ParticipantId { get; init; }
    public required string Channel { get; init; }
    public required string Category { get; init; }
    public required string TemplateKey { get; init; }
    public Dictionary<string, string> Parameters { get; init; } = [];
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>The language the message was sent in.</summary>
    public string? Language { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; set; }
}
