using System.Globalization;
using System.Text;

namespace Agora.Charter.Analysis;

/// <summary>A Pol.is export that is malformed; the message names the file, line and column.</summary>
public sealed class PolisFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PolisFormatException(string file, long line, string? column, string problem)
        : base(column is null ? $"{file}, line {line}: {problem}" : $"{file}, line {line}, column '{column}': {problem}")
    {
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public PolisFormatException()
        : this("(unknown)", 0, null, "malformed Pol.is export")
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public PolisFormatException(string message)
        : base(message)
    {
        File = "(unknown)";
    }

    /// <summary>Creates the exception with a plain message and cause.</summary>
    public PolisFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "(unknown)";
    }

    /// <summary>File name (without directory).</summary>
    public string File { get; }

    /// <summary>1-based line where the bad record starts.</summary>
    public long Line { get; }

    /// <summary>Column name, if the problem is in one column.</summary>
    public string? Column { get; }
}

/// <summary>A statement row of comments.csv.</summary>
/// <param name="Id">comment-id.</param>
/// <param name="Moderation">moderated column.</param>
/// <param name="Agrees">agrees column (Pol.is's total), or -1 when absent.</param>
/// <param name="Disagrees">disagrees column, or -1 when absent.</param>
public sealed record PolisComment(string Id, ModerationStatus Moderation, int Agrees, int Disagrees);

/// <summary>
/// A loaded Pol.is export (votes.csv, comments.csv, participants-votes.csv).
/// Row order: participants are appended in arrival order, i.e. by the timestamp of their first vote
/// (ties by position in votes.csv), as Pol.is does live. Statements are in comment-id order.
/// </summary>
/// <param name="Votes">The vote matrix (last vote by timestamp wins).</param>
/// <param name="Comments">Statements from comments.csv, in comment-id order.</param>
/// <param name="PolisGroups">group-id from participants-votes.csv per participant (null: not clustered by Pol.is); empty if the file is absent.</param>
public sealed record PolisExport(VoteMatrix Votes, IReadOnlyList<PolisComment> Comments, IReadOnlyDictionary<string, int?> PolisGroups)
{
    /// <summary>Loads and validates an export directory.</summary>
    /// <exception cref="PolisFormatException">A file is missing or malformed.</exception>
    public static PolisExport Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var comments = LoadComments(Path.Combine(directory, "comments.csv"));
        var builder = new VoteMatrixBuilder();
        foreach (var c in comments)
        {
            builder.AddStatement(c.Id, c.Moderation);
        }

        LoadVotes(Path.Combine(directory, "votes.csv"), builder);
        var groupsPath = Path.Combine(directory, "participants-votes.csv");
        var groups = File.Exists(groupsPath) ? LoadGroups(groupsPath) : new Dictionary<string, int?>();
        return new PolisExport(builder.Build(), comments, groups);
    }

    private static List<PolisComment> LoadComments(string path)
    {
        using var csv = CsvFile.Open(path);
        var id = csv.Require("comment-id");
        var moderated = csv.Require("moderated");
        var agrees = csv.Optional("agrees");
        var disagrees = csv.Optional("disagrees");
        var list = new List<PolisComment>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var key = csv.Id(id);
            if (!seen.Add(key))
            {
                throw csv.Error(id, $"duplicate comment-id '{key}'");
            }

            var mod = csv.Int(moderated) switch
            {
                1 => ModerationStatus.Accepted,
                0 => ModerationStatus.Unmoderated,
                -1 => ModerationStatus.ModeratedOut,
                _ => throw csv.Error(moderated, "expected 1, 0 or -1"),
            };
            list.Add(new PolisComment(key, mod, agrees < 0 ? -1 : csv.Int(agrees), disagrees < 0 ? -1 : csv.Int(disagrees)));
        }

        var numeric = list.TrueForAll(c => long.TryParse(c.Id, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        return numeric
            ? [.. list.OrderBy(c => long.Parse(c.Id, CultureInfo.InvariantCulture))]
            : [.. list.OrderBy(c => c.Id, StringComparer.Ordinal)];
    }

    private static void LoadVotes(string path, VoteMatrixBuilder builder)
    {
        using var csv = CsvFile.Open(path);
        var timestamp = csv.Require("timestamp");
        var comment = csv.Require("comment-id");
        var voter = csv.Require("voter-id");
        var vote = csv.Require("vote");
        var times = new List<long>();
        var voters = new List<string>();
        var statements = new List<int>();
        var values = new List<sbyte>();
        while (csv.Read())
        {
            var t = csv.Long(timestamp);
            var key = csv.Id(comment);
            var column = builder.StatementIndex(key);
            if (column < 0)
            {
                throw csv.Error(comment, $"comment-id '{key}' is not in comments.csv");
            }

            var who = csv.Id(voter);
            var v = csv.Int(vote);
            if (v is < -1 or > 1)
            {
                throw csv.Error(vote, "expected 1 (agree), -1 (disagree) or 0 (pass)");
            }

            times.Add(t);
            voters.Add(who);
            statements.Add(column);
            values.Add((sbyte)v);
        }

        // Arrival order: stable sort by timestamp; rows are appended on a participant's first vote.
        var order = new int[times.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var timeKeys = times.ToArray();
        Array.Sort(order, (a, b) => timeKeys[a] != timeKeys[b] ? timeKeys[a].CompareTo(timeKeys[b]) : a.CompareTo(b));
        foreach (var i in order)
        {
            builder.AddVote(builder.AddParticipant(voters[i]), statements[i], values[i]);
        }
    }

    private static Dictionary<string, int?> LoadGroups(string path)
    {
        using var csv = CsvFile.Open(path);
        var participant = csv.Require("participant");
        var group = csv.Require("group-id");
        var result = new Dictionary<string, int?>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var key = csv.Id(participant);
            var g = csv.Field(group).Length == 0 ? (int?)null : csv.Int(group);
            if (!result.TryAdd(key, g))
            {
                throw csv.Error(participant, $"duplicate participant '{key}'");
            }
        }

        return result;
    }
}

/// <summary>Minimal RFC 4180 reader (quoted fields, embedded newlines) that tracks line numbers.</summary>
internal sealed class CsvFile : IDisposable
{
    private readonly TextReader _reader;
    private readonly string _name;
    private readonly string[] _header;
    private readonly List<string> _fields = [];
    private readonly StringBuilder _field = new();
    private long _line = 1;
    private long _recordLine;

    private CsvFile(TextReader reader, string name)
    {
        _reader = reader;
        _name = name;
        if (!ReadRecord())
        {
            throw new PolisFormatException(name, 1, null, "the file is empty (no header)");
        }

        _header = [.. _fields.Select(f => f.Trim())];
    }

    public static CsvFile Open(string path)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new PolisFormatException($"{name}: file not found in the export directory");
        }

        return new CsvFile(new StreamReader(path, Encoding.UTF8, true, 1 << 16), name);
    }

    public int Require(string column)
    {
        var i = Array.IndexOf(_header, column);
        return i >= 0 ? i : throw new PolisFormatException(_name, 1, column, "required column is missing from the header");
    }

    public int Optional(string column) => Array.IndexOf(_header, column);

    public bool Read()
    {
        while (ReadRecord())
        {
            if (_fields.Count == 1 && _fields[0].Length == 0)
            {
                continue; // blank line
            }

            if (_fields.Count < _header.Length)
            {
                throw new PolisFormatException(_name, _recordLine, null, $"expected {_header.Length} fields, found {_fields.Count}");
            }

            return true;
        }

        return false;
    }

    public string Field(int column) => _fields[column];

    public string Id(int column)
    {
        var value = _fields[column].Trim();
        return value.Length > 0 ? value : throw Error(column, "empty id");
    }

    public int Int(int column) =>
        int.TryParse(_fields[column].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Error(column, $"'{_fields[column]}' is not an integer");

    public long Long(int column) =>
        long.TryParse(_fields[column].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Error(column, $"'{_fields[column]}' is not an integer");

    public PolisFormatException Error(int column, string problem) => new(_name, _recordLine, _header[column], problem);

    public void Dispose() => _reader.Dispose();

    private bool ReadRecord()
    {
        _fields.Clear();
        _field.Clear();
        _recordLine = _line;
        var c = _reader.Read();
        if (c < 0)
        {
            return false;
        }

        var quoted = false;
        while (true)
        {
            if (quoted)
            {
                if (c < 0)
                {
                    throw new PolisFormatException(_name, _recordLine, null, "unterminated quoted field");
                }

                if (c == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        _reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }

                    _field.Append((char)c);
                }
            }
            else if (c < 0 || c == '\n')
            {
                if (c == '\n')
                {
                    _line++;
                }

                _fields.Add(_field.ToString());
                return true;
            }
            else if (c == '\r')
            {
                // ignored outside quotes
            }
            else if (c == ',')
            {
                _fields.Add(_field.ToString());
                _field.Clear();
            }
            else if (c == '"' && _field.Length == 0)
            {
                quoted = true;
            }
            else
            {
                _field.Append((char)c);
            }

            c = _reader.Read();
        }
    }
}
