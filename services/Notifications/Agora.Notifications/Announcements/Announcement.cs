namespace Agora.Notifications.Announcements;

/// <summary>A steering announcement to a segment; its batches go through the bus.</summary>
public sealed class Announcement
{
    public Guid Id { get; init; }
    public required string Segment { get; init; }
    public int RecipientCount { get; init; }
    public int BatchCount { get; init; }
    public Guid? CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
