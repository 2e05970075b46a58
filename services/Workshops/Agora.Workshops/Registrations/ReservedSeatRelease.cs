using Agora.Workshops.Common;
using Agora.Workshops.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Workshops.Registrations;

public sealed class ReservedSeatsOptions
{
    /// <summary>How long before a session its unused reserved seats go to everyone (and the waitlist).</summary>
    public TimeSpan ReleaseBefore { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the release looks for sessions that are due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Releases unused reserved seats <see cref="ReservedSeatsOptions.ReleaseBefore"/> a session starts.</summary>
public sealed class ReservedSeatRelease(IServiceScopeFactory scopes, IOptions<ReservedSeatsOptions> options, TimeProvider time,
    ILogger<ReservedSeatRelease> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<WorkshopsDbContext>();
                var released = await ReleaseDueAsync(db, time.GetUtcNow(), options.Value.ReleaseBefore, stoppingToken);
                if (released > 0)
                {
                    logger.LogInformation("Released reserved seats of {Sessions} sessions", released);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Reserved-seat release failed ({ExceptionType}); retrying", e.GetType().Name);
            }
            await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Releases the reserved seats of every session that starts within <paramref name="releaseBefore"/>
    /// of <paramref name="now"/>, promoting the waitlist into them; returns how many sessions it released.
    /// </summary>
    public static async Task<int> ReleaseDueAsync(WorkshopsDbContext db, DateTimeOffset now, TimeSpan releaseBefore, CancellationToken ct)
    {
        var due = await db.Sessions.AsNoTracking()
            .Where(s => s.ReservationsReleasedAt == null && !s.Cancelled && s.Reservations.Any() && s.StartsAt <= now + releaseBefore && s.EndsAt > now)
            .Select(s => s.Id).ToListAsync(ct);
        var released = 0;
        foreach (var id in due)
        {
            released += await db.InTransactionAsync(async ct =>
            {
                var session = await SeatAllocator.LockSessionAsync(db, id, ct);
                if (session is null || session.ReservationsReleasedAt is not null)
                {
                    return (false, 0);
                }
                session.ReservationsReleasedAt = now;
                await SeatAllocator.PromoteAsync(db, session, now, ct);
                await db.SaveChangesAsync(ct);
                return (true, 1);
            }, ct);
        }
        return released;
    }
}
