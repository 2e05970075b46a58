using System.Globalization;
using System.Text;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agora.Registry.Directory;

/// <summary>
/// The directory's SQL: a keyset page (<c>ORDER BY id LIMIT n</c>) of listed participants matching
/// optional filters, with a cost that does not depend on how common the filters are.
/// <para>
/// One <c>ORDER BY id LIMIT n</c> query leaves PostgreSQL to guess between walking the primary key
/// until n rows match (fast for common words, a scan of the whole table for rare or correlated
/// filters: 1.4 s for "الماء" in Sfax on 100,000 rows) and collecting every match through the GIN
/// index, then sorting (fast for rare words, slow for "association", which every row holds). Its
/// guess comes from independent per-column statistics and is often wrong. So the choice is made
/// here, bounded both ways:
/// </para>
/// <list type="number">
/// <item>the next <see cref="Window"/> listed rows in id order are read from the covering partial
/// index <c>ix_participants_directory_keyset</c> (an index-only scan) and filtered: when that yields
/// a full page, or reaches the end of the directory, it is the answer (filters matching 1% of rows
/// or more);</item>
/// <item>otherwise the matches are rare: the rest comes from the partial GIN index
/// <c>ix_participants_directory_search</c> (words, themes, governorate and kind in one index),
/// collected whole behind a <c>MATERIALIZED</c> fence so that the planner cannot walk the primary key
/// instead, then sorted — few rows by construction.</item>
/// </list>
/// Only the columns an entry shows are read; nothing personal is selected or decrypted. The governorate shown and
/// filtered on is <c>directory_governorate</c>, an individual's only with their consent (<see cref="Participant.PublicGovernorate"/>).
/// </summary>
public static class DirectorySearch
{
    /// <summary>Listed rows examined in id order before switching to the GIN index.</summary>
    public const int Window = 2000;

    public sealed record Criteria(string? TsQuery, string? Theme, string? Governorate, ParticipantKind? Kind);

    private const string Listed = RegistryDbContext.DirectoryListedFilter;
    private const string EntryColumns = "p.id, p.kind, p.category, p.name_ar, p.name_fr, p.name_en, p.directory_governorate, p.themes";

    /// <summary>Up to <paramref name="take"/> listed entries after <paramref name="after"/>, in id order.</summary>
    public static async Task<List<DirectoryApi.Entry>> FindAsync(RegistryDbContext db, Criteria criteria, Guid? after, int take, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // 1. The window: a full page, or the end of the directory, settles it.
            var entries = new List<DirectoryApi.Entry>(take);
            await using (var window = connection.CreateCommand())
            {
                var sql = new StringBuilder($"""
                    WITH w AS (
                      SELECT id, kind, directory_governorate, themes, search_vector FROM participants
                      WHERE {Listed}{(after is null ? "" : " AND id > @after")}
                      ORDER BY id LIMIT {Window}),
                    s AS (SELECT count(*) AS scanned, (SELECT id FROM w ORDER BY id DESC LIMIT 1) AS last FROM w)
                    SELECT s.scanned, s.last, {EntryColumns}
                    FROM s
                    LEFT JOIN LATERAL (SELECT id FROM w WHERE true
                    """);
                AddFilters(sql, window.Parameters, criteria);
                sql.Append(CultureInfo.InvariantCulture, $"""
                     ORDER BY id LIMIT {take}) m ON true
                    LEFT JOIN participants p ON p.id = m.id
                    ORDER BY p.id
                    """);
                window.CommandText = sql.ToString();
                if (after is Guid a)
                {
                    window.Parameters.Add(new NpgsqlParameter<Guid>("after", a));
                }
                long scanned = 0;
                Guid? last = null;
                await using (var reader = await window.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        scanned = reader.GetInt64(0);
                        last = reader.IsDBNull(1) ? null : reader.GetGuid(1);
                        if (!reader.IsDBNull(2))
                        {
                            entries.Add(ReadEntry(reader, 2));
                        }
                    }
                }
                if (entries.Count == take || scanned < Window || last is null)
                {
                    return entries;
                }
                after = last;
            }

            // 2. Rare matches past the window: from the GIN index, whole, then sorted.
            await using var rest = connection.CreateCommand();
            var restSql = new StringBuilder($"""
                WITH m AS MATERIALIZED (SELECT id FROM participants WHERE {Listed} AND id > @after
                """);
            AddFilters(restSql, rest.Parameters, criteria);
            restSql.Append(CultureInfo.InvariantCulture, $"""
                )
                SELECT {EntryColumns}
                FROM (SELECT id FROM m ORDER BY id LIMIT {take - entries.Count}) t
                JOIN participants p ON p.id = t.id
                ORDER BY p.id
                """);
            rest.CommandText = restSql.ToString();
            rest.Parameters.Add(new NpgsqlParameter<Guid>("after", after.Value));
            await using (var reader = await rest.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    entries.Add(ReadEntry(reader, 0));
                }
            }
            return entries;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void AddFilters(StringBuilder sql, NpgsqlParameterCollection parameters, Criteria criteria)
    {
        if (criteria.TsQuery is not null)
        {
            sql.Append(" AND search_vector @@ to_tsquery('simple', @q)");
            parameters.Add(new NpgsqlParameter<string>("q", criteria.TsQuery));
        }
        if (criteria.Theme is not null)
        {
            sql.Append(" AND themes @> ARRAY[@theme]");
            parameters.Add(new NpgsqlParameter<string>("theme", criteria.Theme));
        }
        if (criteria.Governorate is not null)
        {
            sql.Append(" AND directory_governorate = @governorate"); // an individual's only with their consent
            parameters.Add(new NpgsqlParameter<string>("governorate", criteria.Governorate));
        }
        if (criteria.Kind is ParticipantKind kind)
        {
            sql.Append(" AND kind = @kind");
            parameters.Add(new NpgsqlParameter<string>("kind", kind.ToString()));
        }
    }

    private static DirectoryApi.Entry ReadEntry(NpgsqlDataReader reader, int i) => new(
        reader.GetGuid(i),
        Participant.KindName(Enum.Parse<ParticipantKind>(reader.GetString(i + 1))),
        reader.IsDBNull(i + 2) ? null : reader.GetString(i + 2),
        new Names(
            reader.IsDBNull(i + 3) ? null : reader.GetString(i + 3),
            reader.IsDBNull(i + 4) ? null : reader.GetString(i + 4),
            reader.IsDBNull(i + 5) ? null : reader.GetString(i + 5)),
        reader.IsDBNull(i + 6) ? null : reader.GetString(i + 6),
        reader.GetFieldValue<string[]>(i + 7));
}
