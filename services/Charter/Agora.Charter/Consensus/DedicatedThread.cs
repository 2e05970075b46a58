namespace Agora.Charter.Consensus;

/// <summary>
/// Runs long CPU-heavy background work (reading a conversation's votes and analysing them) on a thread of its own, so that
/// it does not hold one of the thread pool's workers — two on a two-core machine, the ones that serve the votes — for the
/// tenths of a second it takes. (Its scheduling priority is left alone: a lowered one made the requests wait longer, the
/// runtime having to stop every thread, this one included, for each garbage collection.)
/// </summary>
internal static class DedicatedThread
{
    public static Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
#pragma warning disable CA1031 // handed to the awaiting caller
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "Agora analysis",
        };
        thread.Start();
        return done.Task;
    }
}
