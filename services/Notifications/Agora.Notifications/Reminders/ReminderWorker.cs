using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Notifications.Reminders;

public sealed class ReminderOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    public int BatchSize { get; set; } = 200;
}

/// <summary>
/// Turns due reminders into messages. Claims rows with <c>FOR UPDATE SKIP LOCKED</c> and marks them
/// dispatched in the same transaction as the messages, so each reminder is sent once. "Due" is read
/// from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class ReminderWorker(IServiceScopeFactory scopes, IOptions<ReminderOptions> options, TimeProvider time, ILogger<ReminderWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var processed = 0;
            try
            {
                processed = await DispatchDueAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Reminder pass failed ({ExceptionType}); retrying", e.GetType().Name);
            }
            if (processed < options.Value.BatchSize)
            {
                await Task.Delay(options.Value.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    internal async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var dispatcher = scope.ServiceProvider.GetRequiredService<Dispatcher>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = time.GetUtcNow();
            var due = await db.Reminders.FromSql($"""
                SELECT * FROM session_reminders
                WHERE dispatched_at IS NULL AND due_at <= {now}
                ORDER BY due_at
                LIMIT {options.Value.BatchSize}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            foreach (var reminder in due)
            {
                if (reminder.StartsAt > now)
                {
                    await dispatcher.DispatchAsync(reminder.Id, reminder.TemplateKey, SessionSchedule.Parameters(reminder.StartsAt), [reminder.ParticipantId], ct);
                }
                reminder.DispatchedAt = now;
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return due.Count;
        });
    }
}
