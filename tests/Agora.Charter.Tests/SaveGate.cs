using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Agora.Charter.Tests;

/// <summary>
/// Makes a race happen on demand. Once armed, each <c>SaveChanges</c> that matches waits until <c>parties</c> of them are
/// saving at once, or until a timeout passes (the others are not coming: they lost earlier, or wait on a lock this one
/// holds), so requests that passed their checks together also write together.
/// </summary>
public sealed class SaveGate : SaveChangesInterceptor
{
    private Round? round;

    /// <summary>Arms the gate for one race; disposing disarms it.</summary>
    public IDisposable Arm(int parties, Func<DbContext, bool> which, TimeSpan? timeout = null)
    {
        var r = new Round(parties, which, timeout ?? TimeSpan.FromSeconds(2));
        round = r;
        return new Disarm(() => Interlocked.CompareExchange(ref round, null, r));
    }

    /// <summary>Whether the context is about to save a change of <typeparamref name="T"/> in <paramref name="state"/>.</summary>
    public static Func<DbContext, bool> Saving<T>(EntityState state) where T : class =>
        c => c.ChangeTracker.Entries<T>().Any(e => e.State == state);

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref round) is { } r && eventData.Context is { } context && r.Which(context))
        {
            await r.ArriveAsync(cancellationToken);
        }
        return result;
    }

    private sealed class Round(int parties, Func<DbContext, bool> which, TimeSpan timeout)
    {
        private readonly TaskCompletionSource all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int arrived;

        public Func<DbContext, bool> Which => which;

        public async Task ArriveAsync(CancellationToken ct)
        {
            if (Interlocked.Increment(ref arrived) >= parties)
            {
                all.TrySetResult();
            }
            try
            {
                await all.Task.WaitAsync(timeout, ct);
            }
            catch (TimeoutException)
            {
                // The others are not coming: go on alone.
            }
        }
    }

    private sealed class Disarm(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
