using System.Diagnostics;
using System.Text.Json;

namespace Agora.Messaging;

/// <summary>
/// An event waiting in the service's own database to be published. It is written in the same
/// transaction as the change that caused it, so an event exists exactly when its change does.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Also the MassTransit MessageId, so consumers' inboxes recognise a republished event.</summary>
    public Guid Id { get; init; }

    /// <summary>Assembly-qualified name of the contract record, e.g. <c>Agora.Contracts.Registry.ParticipantRegistered, Agora.Contracts</c>.</summary>
    public required string MessageType { get; init; }

    public required string Payload { get; init; }

    /// <summary>W3C traceparent of the request that wrote the event, so the trace continues through the bus.</summary>
    public string? TraceParent { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Failed attempts to read this row back into a message (a poison row stops being tried after a few).</summary>
    public int Attempts { get; set; }

    public string? LastError { get; set; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage Create<T>(T message, DateTimeOffset now) where T : class => new()
    {
        Id = Guid.CreateVersion7(now),
        MessageType = $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}",
        Payload = JsonSerializer.Serialize(message, Json),
        TraceParent = Activity.Current?.Id,
        CreatedAt = now,
    };
}

/// <summary>The inbox: one row per message a consumer has applied, keyed by (message id, consumer).</summary>
public sealed class ConsumedMessage
{
    public Guid MessageId { get; init; }

    public required string Consumer { get; init; }

    public DateTimeOffset ConsumedAt { get; init; }
}
