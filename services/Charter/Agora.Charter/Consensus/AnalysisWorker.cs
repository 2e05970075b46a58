using Agora.Charter.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Charter.Consensus;

/// <summary>
/// Recomputes analyses in the background, never on the vote request path: every <c>Charter:Analysis:Interval</c> it
/// finds conversations whose votes, moderation or constituency read model changed since the stored result and, once
/// votes have been quiet for <c>Quiet</c> (or the change has waited <c>MaxDelay</c>), recomputes them: from the votes
/// it holds in memory plus those stored since its last round (<see cref="VoteFeed"/>).
/// </summary>
public sealed partial class AnalysisWorker(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<AnalysisScheduleOptions> schedule,
    IOptionsMonitor<CommonMinimumOptions> thresholds, ILogger<AnalysisWorker> logger) : BackgroundService
{
    private readonly VoteFeed _votes = new(time);
    private readonly SemaphoreSlim _round = new(1, 1);

    /// <summary>When each conversation's result was first seen stale (rounds are serialized by <see cref="_round"/>).</summary>
    private readonly Dictionary<Guid, DateTimeOffset> _staleSince = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(schedule.CurrentValue.Interval, time, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the worker must survive any one failure and try again next round
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogFailed(logger, e);
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        await _round.WaitAsync(ct);
        try
        {
            await RoundAsync(ct);
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task RoundAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CharterDbContext>();
        var conversations = await db.Conversations.AsNoTracking().Select(c => c.Id).ToListAsync(ct);
        foreach (var id in conversations)
        {
            var signature = await AnalysisRunner.SignatureAsync(db, id, ct);
            // What Due compares, without the stored JSON (hundreds of kB for a large conversation, every Interval).
            var stored = await db.AnalysisResults.Where(r => r.ConversationId == id).Select(r => new AnalysisResult
            {
                ConversationId = r.ConversationId, ComputedAt = r.ComputedAt, LastVoteId = r.LastVoteId, Revision = r.Revision,
                ProfileStamp = r.ProfileStamp, Json = "",
            }).FirstOrDefaultAsync(ct);
            var now = time.GetUtcNow();
            if (!AnalysisRunner.Stale(signature, stored))
            {
                _staleSince.Remove(id);
                continue;
            }
            if (!_staleSince.TryGetValue(id, out var staleSince))
            {
                _staleSince[id] = staleSince = now;
            }
            if (!AnalysisRunner.Due(signature, stored, schedule.CurrentValue, now, staleSince))
            {
                continue;
            }
            var started = time.GetTimestamp();
            var view = await AnalysisRunner.RecomputeAsync(db, _votes, id, signature, thresholds.CurrentValue, now, ct);
            // Votes stored during the recompute wait from now; with none, the next round finds the result current and forgets it.
            _staleSince[id] = now;
            db.ChangeTracker.Clear();
            LogRecomputed(logger, id, view.Participants, view.Statements, time.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public override void Dispose()
    {
        _round.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Analysis recompute failed")]
    private static partial void LogFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Analysis of conversation {ConversationId} recomputed: {Participants} participants, {Statements} statements in {Milliseconds} ms")]
    private static partial void LogRecomputed(ILogger logger, Guid conversationId, int participants, int statements, double milliseconds);
}
