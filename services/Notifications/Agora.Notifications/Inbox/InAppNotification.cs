namespace Agora.Notifications.Inbox;

/// <summary>A message in a participant's in-app inbox, already rendered in their language.</summary>
public sealed class InAppNotification
{
    public Guid Id { get; init; }
    public Guid ParticipantId { get; init; }
    public required string Category { get; init; }
    public required string Language { get; init; }
    public required string Title { get; init; }
    public required string Body { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ReadAt { get; set; }
}
