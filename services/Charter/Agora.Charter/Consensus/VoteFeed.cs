using System.Data;
using System.Globalization;
using Agora.Charter.Analysis;
using Npgsql;
using NpgsqlTypes;

namespace Agora.Charter.Consensus;

/// <summary>
/// The votes of the conversations under analysis, kept in memory between recomputes so that each one reads only the
/// votes stored since the last, as Pol.is's math worker does, not the whole table again (2,000,000 rows for a conference
/// of 33,000 participants, every few seconds while votes arrive, each read costing this service and PostgreSQL the
/// CPU the votes need).
/// <para>
/// New votes are read in id order across all conversations. Ids come from one identity sequence, so they follow each
/// other without holes except where a transaction rolled back; but they become visible in commit order, not id order:
/// while the transaction that took id n is still committing, n + 1 may already be visible. The feed therefore takes
/// votes only up to the first missing id, and passes a missing id once every transaction that was running when it was
/// first missed has ended (it was rolled back), or after <see cref="GapTimeout"/> whatever happens.
/// A conversation is read whole when it is first analysed, when its revision changes (moderation, an erasure) and
/// every <see cref="ReloadEvery"/>, which also repairs anything a passed gap let through late.
/// </para>
/// Not thread-safe: one worker uses it, one round at a time.
/// </summary>
public sealed class VoteFeed(TimeProvider time)
{
    public static readonly TimeSpan GapTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan ReloadEvery = TimeSpan.FromMinutes(10);

    private readonly Dictionary<Guid, ConversationVotes> _conversations = [];

    /// <summary>Every vote with an id up to this one has been read, or its id passed as a gap; -1 before the first read.</summary>
    private long _watermark = -1;

    /// <summary>The missing id the feed waits for, when it first missed it, and the first transaction id not yet started then.</summary>
    private (long Id, DateTimeOffset Since, ulong NextTransaction)? _gap;

    private sealed class ConversationVotes(int revision, DateTimeOffset loadedAt)
    {
        public int Revision { get; } = revision;

        public DateTimeOffset LoadedAt { get; } = loadedAt;

        public VoteMatrixBuilder Builder { get; } = new();

        public Dictionary<Guid, int> Rows { get; } = [];

        public Dictionary<Guid, int> Columns { get; } = [];

        public long LastVoteId { get; set; }

        public void Add(Guid participant, Guid statement, short value, long id)
        {
            if (!Rows.TryGetValue(participant, out var row))
            {
                Rows.Add(participant, row = Builder.AddParticipant(participant.ToString()));
            }
            if (!Columns.TryGetValue(statement, out var column))
            {
                Columns.Add(statement, column = Builder.AddStatement(statement.ToString()));
            }
            Builder.AddVote(row, column, value);
            LastVoteId = id;
        }
    }

    /// <summary>
    /// The conversation's votes read so far (last vote per participant and statement) with its statements' moderation as
    /// given, and the id of the last of those votes. Reads the votes stored since the previous call first.
    /// </summary>
    public (VoteMatrix Matrix, long LastVoteId) Matrix(NpgsqlConnection connection, Guid conversationId, int revision,
        IReadOnlyList<(Guid Id, ModerationStatus Status)> statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ReadNew(connection);
        var now = time.GetUtcNow();
        if (!_conversations.TryGetValue(conversationId, out var votes) || votes.Revision != revision || now - votes.LoadedAt >= ReloadEvery)
        {
            // Statements first, in the order given, as a fresh read always had them: columns do not depend on vote order.
            votes = new ConversationVotes(revision, now);
            foreach (var (id, status) in statements)
            {
                votes.Columns[id] = votes.Builder.AddStatement(id.ToString(), status);
            }
            ReadWhole(connection, conversationId, votes);
            _conversations[conversationId] = votes;
        }
        else
        {
            foreach (var (id, status) in statements)
            {
                votes.Columns[id] = votes.Builder.AddStatement(id.ToString(), status); // a known statement: its moderation now
            }
        }
        return (votes.Builder.Build(), votes.LastVoteId);
    }

    private void ReadWhole(NpgsqlConnection connection, Guid conversationId, ConversationVotes votes)
    {
        var copy = string.Create(CultureInfo.InvariantCulture,
            $"COPY (SELECT id, participant_id, statement_id, value FROM votes WHERE conversation_id = '{conversationId}' AND id <= {_watermark} ORDER BY id) TO STDOUT (FORMAT BINARY)");
        using var rows = connection.BeginBinaryExport(copy);
        while (rows.StartRow() != -1)
        {
            var id = rows.Read<long>(NpgsqlDbType.Bigint);
            votes.Add(rows.Read<Guid>(NpgsqlDbType.Uuid), rows.Read<Guid>(NpgsqlDbType.Uuid), rows.Read<short>(NpgsqlDbType.Smallint), id);
        }
    }

    /// <summary>Reads the votes stored since the last call up to the first missing id, into the conversations held.</summary>
    private void ReadNew(NpgsqlConnection connection)
    {
        var now = time.GetUtcNow();
        if (_watermark < 0)
        {
            // First read: start after the votes cast before GapTimeout ago (anything that old has committed or never will).
            using var first = new NpgsqlCommand("SELECT coalesce((SELECT id FROM votes WHERE cast_at < @before ORDER BY id DESC LIMIT 1), 0)", connection);
            first.Parameters.AddWithValue("before", now - GapTimeout);
            _watermark = (long)first.ExecuteScalar()!;
        }
        // One snapshot for the transactions running and the votes visible: a missing id is held by one of those running.
        using var transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);
        var (oldestRunning, nextTransaction) = Snapshot(connection);
        var copy = string.Create(CultureInfo.InvariantCulture,
            $"COPY (SELECT id, conversation_id, participant_id, statement_id, value FROM votes WHERE id > {_watermark} ORDER BY id) TO STDOUT (FORMAT BINARY)");
        var stopped = false; // at a missing id: the rest is read again next time
        using (var rows = connection.BeginBinaryExport(copy))
        {
            while (rows.StartRow() != -1)
            {
                var id = rows.Read<long>(NpgsqlDbType.Bigint);
                var conversation = rows.Read<Guid>(NpgsqlDbType.Uuid);
                var participant = rows.Read<Guid>(NpgsqlDbType.Uuid);
                var statement = rows.Read<Guid>(NpgsqlDbType.Uuid);
                var value = rows.Read<short>(NpgsqlDbType.Smallint);
                if (stopped)
                {
                    continue;
                }
                if (id != _watermark + 1 && !PassGap(_watermark + 1, now, oldestRunning, nextTransaction))
                {
                    stopped = true;
                    continue;
                }
                if (_conversations.TryGetValue(conversation, out var votes))
                {
                    votes.Add(participant, statement, value, id);
                }
                _watermark = id;
            }
        }
        transaction.Commit();
    }

    private static (ulong OldestRunning, ulong NextTransaction) Snapshot(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("SELECT pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text FROM pg_current_snapshot() AS s", connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Whether to pass the missing <paramref name="id"/>: once no transaction that was running when it was first missed
    /// is running any more (the one that took it rolled back), or after <see cref="GapTimeout"/>.
    /// </summary>
    private bool PassGap(long id, DateTimeOffset now, ulong oldestRunning, ulong nextTransaction)
    {
        if (_gap is not { } gap || gap.Id != id)
        {
            // First missed now: it may be held by any transaction running now, all of which are below nextTransaction.
            _gap = gap = (id, now, nextTransaction);
        }
        if (oldestRunning >= gap.NextTransaction || now - gap.Since >= GapTimeout)
        {
            _gap = null;
            return true;
        }
        return false;
    }
}
