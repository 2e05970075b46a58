using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Agora.Charter.Analysis;
using Agora.Charter.Data;
using Agora.Charter.Statements;
using Agora.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agora.Charter.Consensus;

/// <summary>Thresholds of the common minimum (<c>Charter:CommonMinimum</c>).</summary>
public sealed class CommonMinimumOptions
{
    /// <summary>Agreement share a statement needs in every opinion group and every counted constituency cell.</summary>
    public double Threshold { get; set; } = 0.6;

    /// <summary>Voters a constituency cell needs to be counted.</summary>
    public int MinConstituencyVoters { get; set; } = 10;
}

/// <summary>Background recompute timing (<c>Charter:Analysis</c>).</summary>
public sealed class AnalysisScheduleOptions
{
    /// <summary>How often the worker looks for conversations with new votes or moderation.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Debounce: wait until no vote arrived for this long ...</summary>
    public TimeSpan Quiet { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>... unless a change has waited this long for it (votes that never stop coming).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Recomputes a conversation's analysis from the database and stores it as the latest result.</summary>
public static class AnalysisRunner
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The primary key of <c>analysis_results</c> (one row per conversation).</summary>
    private const string AnalysisResultKey = "pk_analysis_results";

    public sealed record Signature(long LastVoteId, DateTimeOffset? LastVoteAt, int Revision, string ProfileStamp);

    public static async Task<Signature> SignatureAsync(CharterDbContext db, Guid conversationId, CancellationToken ct)
    {
        var last = await db.Votes.Where(v => v.ConversationId == conversationId).OrderByDescending(v => v.Id)
            .Select(v => new { v.Id, v.CastAt }).FirstOrDefaultAsync(ct);
        var revision = await db.Conversations.Where(c => c.Id == conversationId).Select(c => c.Revision).FirstAsync(ct);
        var count = await db.Profiles.CountAsync(ct);
        var changed = count == 0 ? 0L : (await db.Profiles.MaxAsync(p => p.ChangedAt, ct)).UtcTicks;
        return new Signature(last?.Id ?? 0, last?.CastAt, revision, string.Create(CultureInfo.InvariantCulture, $"{count}:{changed}"));
    }

    /// <summary>Whether the conversation has votes and the stored result (if any) no longer matches them, its revision or the profiles.</summary>
    public static bool Stale(Signature s, AnalysisResult? stored) =>
        s.LastVoteId != 0
        && (stored is null || stored.LastVoteId != s.LastVoteId || stored.Revision != s.Revision || stored.ProfileStamp != s.ProfileStamp);

    /// <summary>
    /// Whether a <see cref="Stale"/> result may be recomputed now: once votes have been quiet for <c>Quiet</c>, or once the
    /// change has waited <c>MaxDelay</c> (<paramref name="staleSince"/>: when this worker first saw the result stale) and the
    /// stored result is that old too (another replica may have just recomputed) — so votes that never stop are reflected
    /// about every <c>MaxDelay</c> whatever the number of replicas, and a burst after a quiet spell is not recomputed on its
    /// first votes just because the last result is old. A conversation never analysed is analysed at once.
    /// </summary>
    public static bool Due(Signature s, AnalysisResult? stored, AnalysisScheduleOptions schedule, DateTimeOffset now, DateTimeOffset staleSince)
    {
        var quiet = s.LastVoteAt is null || now - s.LastVoteAt >= schedule.Quiet;
        var overdue = stored is null || (now - staleSince >= schedule.MaxDelay && now - stored.ComputedAt >= schedule.MaxDelay);
        return quiet || overdue;
    }

    public static async Task<AnalysisView> RecomputeAsync(CharterDbContext db, VoteFeed votes, Guid conversationId, Signature signature,
        CommonMinimumOptions thresholds, DateTimeOffset now, CancellationToken ct)
    {
        var statements = (await db.Statements.AsNoTracking().Where(s => s.ConversationId == conversationId)
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).Select(s => new { s.Id, s.Status }).ToListAsync(ct))
            .ConvertAll(s => (s.Id, s.Status switch
            {
                StatementStatus.Accepted => ModerationStatus.Accepted,
                StatementStatus.Pending => ModerationStatus.Unmoderated,
                _ => ModerationStatus.ModeratedOut,
            }));
        var partitions = await ConstituenciesAsync(db, ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        OpinionAnalysis analysis;
        long lastVoteId;
        try
        {
            // Reading the new votes and analysing them is the heavy part, and it runs every few seconds while votes arrive,
            // beside the requests that store them: on a thread of its own (LongRunning), not on one of the pool's few
            // workers that serve the requests (blocking reads are fine there). Its scheduling priority is left alone: a
            // lowered one made the requests wait longer, the runtime having to stop that thread too for every GC.
            (analysis, lastVoteId) = await Task.Factory.StartNew(() =>
            {
                var (matrix, last) = votes.Matrix(connection, conversationId, signature.Revision, statements);
                return (OpinionAnalyzer.Analyze(matrix, new AnalysisOptions
                {
                    CommonMinimumThreshold = thresholds.Threshold,
                    MinConstituencyVoters = thresholds.MinConstituencyVoters,
                    Constituencies = partitions,
                }), last);
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        var view = AnalysisView.Of(conversationId, now, lastVoteId, analysis);
        var json = JsonSerializer.Serialize(view, Json);
        void Fill(AnalysisResult result)
        {
            result.ComputedAt = now;
            result.LastVoteId = lastVoteId;
            result.Revision = signature.Revision;
            result.ProfileStamp = signature.ProfileStamp;
            result.Json = json;
        }
        var stored = await db.AnalysisResults.FirstOrDefaultAsync(r => r.ConversationId == conversationId, ct);
        if (stored is null)
        {
            stored = new AnalysisResult { ConversationId = conversationId, ProfileStamp = "", Json = "{}" };
            db.AnalysisResults.Add(stored);
        }
        Fill(stored);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsViolationOf(AnalysisResultKey))
        {
            // Another worker (a second replica) stored this conversation's first result at the same moment: ours
            // replaces it, as a later recompute's would.
            db.ChangeTracker.Clear();
            Fill(await db.AnalysisResults.FirstAsync(r => r.ConversationId == conversationId, ct));
            await db.SaveChangesAsync(ct);
        }
        return view;
    }

    /// <summary>Partitions from the consented attributes of the read model: kind, governorate, gender, age band, occupation.</summary>
    private static async Task<List<ConstituencyPartition>> ConstituenciesAsync(CharterDbContext db, CancellationToken ct)
    {
        var profiles = await db.Profiles.AsNoTracking().ToListAsync(ct);
        ConstituencyPartition Partition(string name, Func<Constituencies.ParticipantProfile, string?> cell) =>
            new(name, profiles.Where(p => cell(p) is not null).ToDictionary(p => p.ParticipantId.ToString(), p => cell(p)!, StringComparer.Ordinal));
        return
        [
            Partition("kind", p => p.Kind),
            Partition("governorate", p => p.Governorate),
            Partition("gender", p => p.Gender),
            Partition("ageBand", p => p.AgeBand),
            Partition("occupation", p => p.Occupation),
        ];
    }
}

/// <summary>Reads the latest stored analysis (deserialized once per computation).</summary>
public static class AnalysisStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ConcurrentDictionary<Guid, AnalysisView> Cache = new();

    public static async Task<AnalysisView?> LatestAsync(CharterDbContext db, Guid conversationId, CancellationToken ct)
    {
        var stamp = await db.AnalysisResults.Where(r => r.ConversationId == conversationId).Select(r => (DateTimeOffset?)r.ComputedAt).FirstOrDefaultAsync(ct);
        if (stamp is null)
        {
            return null;
        }
        if (Cache.TryGetValue(conversationId, out var cached) && cached.ComputedAt == stamp)
        {
            return cached;
        }
        var json = await db.AnalysisResults.Where(r => r.ConversationId == conversationId).Select(r => r.Json).FirstAsync(ct);
        // Small constituency cells are suppressed on the way out, so results stored before that rule read the same.
        var view = JsonSerializer.Deserialize<AnalysisView>(json, Json)!.WithSmallCellsSuppressed();
        Cache[conversationId] = view;
        return view;
    }

    public readonly record struct Counts(int Agree, int Pass, int Seen, double Extremity);

    public static async Task<Dictionary<Guid, Counts>> StatementCountsAsync(CharterDbContext db, Guid conversationId, CancellationToken ct)
    {
        var view = await LatestAsync(db, conversationId, ct);
        return view is null
            ? []
            : view.StatementStats.ToDictionary(s => s.Statement, s => new Counts(s.Overall.Agree, s.Overall.Pass, s.Overall.Seen, s.Extremity));
    }
}
