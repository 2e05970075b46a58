using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Agora.Workshops.Common;

/// <summary>
/// Turns a database that cannot keep up (pool exhausted, timeouts, transient failures after the
/// retries) into 503 problem details with Retry-After, instead of a 500. Nothing was committed: every
/// write here runs in one transaction.
/// </summary>
public sealed class TransientFailureFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (IsTransient(e) && !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            context.HttpContext.Response.Headers.RetryAfter = "2";
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "busy", "The service is busy; try again shortly.");
        }
    }

    private static bool IsTransient(Exception? e) => e switch
    {
        null => false,
        RetryLimitExceededException or TimeoutException => true,
        NpgsqlException { IsTransient: true } => true,
        _ => IsTransient(e.InnerException),
    };
}

/// <summary>
/// Bounds how many registrations work at once (<c>Workshops:Registration:MaxConcurrent</c>, 32 by
/// default), so a burst waits here, in memory, rather than holding database connections while it
/// queues behind a session's row lock; past <c>Workshops:Registration:QueueTimeout</c> (30 s) it gets 503.
/// </summary>
public sealed class RegistrationGate(IConfiguration configuration) : IDisposable
{
    private readonly SemaphoreSlim slots = new(Math.Max(1, configuration.GetValue<int?>("Workshops:Registration:MaxConcurrent") ?? 32));

    private TimeSpan QueueTimeout => configuration.GetValue<TimeSpan?>("Workshops:Registration:QueueTimeout") ?? TimeSpan.FromSeconds(30);

    /// <summary>A slot to release when done, or null when none came free in time.</summary>
    public async Task<Slot?> EnterAsync(CancellationToken ct) => await slots.WaitAsync(QueueTimeout, ct) ? new Slot(slots) : null;

    public void Dispose() => slots.Dispose();

    public sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
