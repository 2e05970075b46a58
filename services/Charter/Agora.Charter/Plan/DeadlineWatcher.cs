using Agora.Charter.Data;
using Agora.Contracts.Charter;
using Agora.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Charter.Plan;

/// <summary>Deadline reminders (<c>Charter:Plan</c>).</summary>
public sealed class DeadlineOptions
{
    /// <summary>How often the check runs.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long before a deadline the owners are reminded (once per deadline).</summary>
    public TimeSpan Warning { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>
/// Publishes <see cref="ActionDeadlineApproaching"/> (through the outbox) once for each unfinished action (neither done nor
/// cancelled) whose deadline is near, with several replicas running too (rows claimed with <c>FOR UPDATE SKIP LOCKED</c>).
/// </summary>
public sealed partial class DeadlineWatcher(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<DeadlineOptions> options,
    ILogger<DeadlineWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.CheckInterval, time, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the watcher must survive any one failure and try again next round
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogFailed(logger, e);
            }
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CharterDbContext>();
        var now = time.GetUtcNow();
        var horizon = now + options.CurrentValue.Warning;
        // Finished or abandoned actions are never reminded (status is stored as the enum's name).
        var done = nameof(ActionStatus.Done);
        var cancelled = nameof(ActionStatus.Cancelled);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Claims the due actions: a watcher of another replica running at the same moment skips the rows locked here, and
        // finds them reminded once this commits, so each reminder is sent once.
        var due = await db.Actions.FromSql($"""
            SELECT * FROM actions
            WHERE deadline IS NOT NULL AND deadline <= {horizon} AND deadline > {now}
              AND deadline_notified_at IS NULL AND status <> {done} AND status <> {cancelled}
            ORDER BY deadline, id
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        foreach (var a in due)
        {
            IReadOnlyList<Guid> owners = a.OwnerParticipantId is { } p ? [p]
                : a.OwnerGroupId is { } g ? await db.CoordinationGroups.Where(x => x.Id == g).Select(x => x.Members).FirstOrDefaultAsync(ct) ?? []
                : [];
            db.AddEvent(new ActionDeadlineApproaching(a.Id, a.ArticleId, owners, a.Deadline!.Value), now);
            a.DeadlineNotifiedAt = now;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deadline check failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
