namespace Agora.Charter.Analysis;

/// <summary>Moderation state of a statement (Pol.is: 1 accepted, 0 unmoderated, -1 moderated out).</summary>
public enum ModerationStatus
{
    /// <summary>Not yet moderated; takes part in the analysis.</summary>
    Unmoderated = 0,

    /// <summary>Accepted by a moderator.</summary>
    Accepted = 1,

    /// <summary>Moderated out: zeroed for everyone before PCA and never selected.</summary>
    ModeratedOut = -1,
}

/// <summary>
/// Immutable sparse vote matrix, one row per participant (in row order) and one column per statement,
/// stored by participant (CSR). Only the last vote of a participant on a statement is kept.
/// Values: agree = +1, disagree = -1, pass = 0.
/// </summary>
public sealed class VoteMatrix
{
    internal VoteMatrix(string[] participants, string[] statements, ModerationStatus[] moderation,
        int[] rowStart, int[] columns, sbyte[] values)
    {
        ParticipantKeys = participants;
        StatementKeys = statements;
        Moderation = moderation;
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    /// <summary>Participant keys in row order.</summary>
    public IReadOnlyList<string> ParticipantKeys { get; }

    /// <summary>Statement keys in column order.</summary>
    public IReadOnlyList<string> StatementKeys { get; }

    /// <summary>Moderation status per statement (column order).</summary>
    public IReadOnlyList<ModerationStatus> Moderation { get; }

    internal int[] RowStart { get; }

    internal int[] Columns { get; }

    internal sbyte[] Values { get; }

    /// <summary>Number of participant rows.</summary>
    public int ParticipantCount => ParticipantKeys.Count;

    /// <summary>Number of statements.</summary>
    public int StatementCount => StatementKeys.Count;

    /// <summary>Number of (participant, statement) cells holding a vote.</summary>
    public int VoteCount => Columns.Length;

    /// <summary>Statement indices the participant voted on, ascending.</summary>
    public ReadOnlySpan<int> StatementsOf(int row) => Columns.AsSpan(RowStart[row], RowStart[row + 1] - RowStart[row]);

    /// <summary>Votes of the participant, aligned with <see cref="StatementsOf"/>.</summary>
    public ReadOnlySpan<sbyte> VotesOf(int row) => Values.AsSpan(RowStart[row], RowStart[row + 1] - RowStart[row]);
}

/// <summary>
/// Builds a <see cref="VoteMatrix"/>. Participants get rows in the order they are first added (or first vote);
/// votes must be added in chronological order: the last vote on a (participant, statement) cell wins.
/// </summary>
public sealed class VoteMatrixBuilder
{
    private readonly Dictionary<string, int> _participantIndex = new(StringComparer.Ordinal);
    private readonly List<string> _participants = [];
    private readonly Dictionary<string, int> _statementIndex = new(StringComparer.Ordinal);
    private readonly List<string> _statements = [];
    private readonly List<ModerationStatus> _moderation = [];
    private int[] _voteRow = new int[1024];
    private int[] _voteColumn = new int[1024];
    private sbyte[] _voteValue = new sbyte[1024];
    private int _count;

    /// <summary>Adds (or finds) a participant; returns its row.</summary>
    public int AddParticipant(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_participantIndex.TryGetValue(key, out var row))
        {
            return row;
        }

        row = _participants.Count;
        _participantIndex.Add(key, row);
        _participants.Add(key);
        return row;
    }

    /// <summary>Adds a statement or updates its moderation status; returns its column.</summary>
    public int AddStatement(string key, ModerationStatus status = ModerationStatus.Accepted)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_statementIndex.TryGetValue(key, out var column))
        {
            _moderation[column] = status;
            return column;
        }

        column = _statements.Count;
        _statementIndex.Add(key, column);
        _statements.Add(key);
        _moderation.Add(status);
        return column;
    }

    /// <summary>Column of a known statement, or -1.</summary>
    public int StatementIndex(string key) => _statementIndex.TryGetValue(key, out var c) ? c : -1;

    /// <summary>Adds a vote by keys; unknown participants get a new row, unknown statements are added as accepted.</summary>
    public void AddVote(string participant, string statement, int value)
    {
        var column = _statementIndex.TryGetValue(statement, out var c) ? c : AddStatement(statement);
        AddVote(AddParticipant(participant), column, value);
    }

    /// <summary>Adds a vote by row and column.</summary>
    public void AddVote(int row, int column, int value)
    {
        if ((uint)row >= (uint)_participants.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(row));
        }

        if ((uint)column >= (uint)_statements.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(column));
        }

        if (value is < -1 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A vote is -1, 0 or 1.");
        }

        if (_count == _voteRow.Length)
        {
            var size = _count * 2;
            Array.Resize(ref _voteRow, size);
            Array.Resize(ref _voteColumn, size);
            Array.Resize(ref _voteValue, size);
        }

        _voteRow[_count] = row;
        _voteColumn[_count] = column;
        _voteValue[_count] = (sbyte)value;
        _count++;
    }

    /// <summary>Builds the matrix (last vote per cell wins).</summary>
    public VoteMatrix Build()
    {
        var n = _participants.Count;
        var rowStart = new int[n + 1];
        for (var i = 0; i < _count; i++)
        {
            rowStart[_voteRow[i] + 1]++;
        }

        for (var r = 0; r < n; r++)
        {
            rowStart[r + 1] += rowStart[r];
        }

        // Stable counting sort by row: key = (column << 32) | sequence, sorted per row.
        var keys = new long[_count];
        var fill = (int[])rowStart.Clone();
        for (var i = 0; i < _count; i++)
        {
            keys[fill[_voteRow[i]]++] = ((long)_voteColumn[i] << 32) | (uint)i;
        }

        var outStart = new int[n + 1];
        var columns = new int[_count];
        var values = new sbyte[_count];
        var written = 0;
        for (var r = 0; r < n; r++)
        {
            outStart[r] = written;
            var segment = keys.AsSpan(rowStart[r], rowStart[r + 1] - rowStart[r]);
            segment.Sort();
            for (var j = 0; j < segment.Length; j++)
            {
                var column = (int)(segment[j] >> 32);
                if (j + 1 < segment.Length && (int)(segment[j + 1] >> 32) == column)
                {
                    continue; // a later vote on the same statement wins
                }

                columns[written] = column;
                values[written] = _voteValue[(int)(uint)segment[j]];
                written++;
            }
        }

        outStart[n] = written;
        Array.Resize(ref columns, written);
        Array.Resize(ref values, written);
        return new VoteMatrix([.. _participants], [.. _statements], [.. _moderation], outStart, columns, values);
    }
}
