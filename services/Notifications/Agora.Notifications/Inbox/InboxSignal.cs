using System.Collections.Concurrent;

namespace Agora.Notifications.Inbox;

/// <summary>Wakes the live streams of a participant when a message lands in their inbox (this replica; streams also poll).</summary>
public sealed class InboxSignal
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> waiters = new();

    public Task WaitAsync(Guid participantId) =>
        waiters.GetOrAdd(participantId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(Guid participantId)
    {
        if (waiters.TryRemove(participantId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
