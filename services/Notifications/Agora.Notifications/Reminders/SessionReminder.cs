namespace Agora.Notifications.Reminders;

/// <summary>A session reminder (24 h or 1 h before) waiting for its time; sent by <see cref="ReminderWorker"/>.</summary>
public sealed class SessionReminder
{
    public Guid Id { get; init; }
    public Guid SessionId { get; init; }
    public Guid WorkshopId { get; init; }
    public Guid ParticipantId { get; init; }
    /// <summary>The template key: session.reminder-24h or session.reminder-1h.</summary>
    public required string TemplateKey { get; init; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
}

/// <summary>
/// The latest <c>WorkshopSessionScheduled</c> applied for a session: its start and its version
/// (<see cref="ChangedAt"/>, null for the first scheduling). A message older than it is stale and moves nothing.
/// </summary>
public sealed class AppliedSchedule
{
    public Guid SessionId { get; init; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset? ChangedAt { get; set; }
}
