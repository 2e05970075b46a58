namespace Agora.Notifications.Channels;

public enum SendResult
{
    Sent,
    /// <summary>Worth retrying later (server down, 4xx SMTP reply, timeout).</summary>
    Transient,
    /// <summary>Will never succeed as is (5xx SMTP reply, invalid address): recorded, not retried.</summary>
    Permanent,
}

public sealed record SendOutcome(SendResult Result, string? Error = null)
{
    public static readonly SendOutcome Sent = new(SendResult.Sent);

    public static SendOutcome Transient(string error) => new(SendResult.Transient, error);

    public static SendOutcome Permanent(string error) => new(SendResult.Permanent, error);
}
