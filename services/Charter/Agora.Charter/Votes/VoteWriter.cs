using System.Threading.Channels;
using Agora.Charter.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Agora.Charter.Votes;

public sealed class VoteWriterOptions
{
    /// <summary>Votes written by one transaction at most.</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>Writers committing in parallel (each one transaction at a time).</summary>
    public int Writers { get; set; } = 2;

    /// <summary>Votes waiting at most; beyond it a vote request waits for room.</summary>
    public int QueueCapacity { get; set; } = 20_000;
}

/// <summary>
/// Group commit for votes. A request enqueues its vote and waits; a writer takes every vote waiting (up to
/// <see cref="VoteWriterOptions.MaxBatch"/>) and stores them with one statement (its own transaction), then answers each
/// request — after the commit, so an acknowledged vote is durable. The statement itself checks each vote's statement is
/// open (accepted) and takes its conversation from it, so the request path runs no validation query and no EF Core.
/// </summary>
public sealed partial class VoteWriter(IServiceScopeFactory scopes, IOptions<VoteWriterOptions> options, ILogger<VoteWriter> logger)
    : BackgroundService
{
    // Only votes whose statement is accepted are stored; ord says which ones were.
    private const string Sql = """
        WITH batch_in AS (
            SELECT * FROM unnest(@statements, @participants, @values, @cast_at) WITH ORDINALITY AS x(statement_id, participant_id, value, cast_at, ord)
        ), accepted AS (
            SELECT x.ord, x.statement_id, x.participant_id, x.value, x.cast_at, s.conversation_id
            FROM batch_in x JOIN statements s ON s.id = x.statement_id AND s.status = 'Accepted'
        ), stored AS (
            INSERT INTO votes (conversation_id, statement_id, participant_id, value, cast_at)
            SELECT conversation_id, statement_id, participant_id, value, cast_at FROM accepted ORDER BY ord
        )
        SELECT ord FROM accepted
        """;

    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        SingleWriter = false,
        SingleReader = false,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private NpgsqlDataSource? dataSource;

    private sealed class Pending(Guid statementId, Guid participantId, short value, DateTimeOffset castAt)
        : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Guid StatementId { get; } = statementId;

        public Guid ParticipantId { get; } = participantId;

        public short Value { get; } = value;

        public DateTimeOffset CastAt { get; } = castAt;
    }

    /// <summary>
    /// Stores one vote with the next group commit. True: committed; false: the statement is unknown or not open (nothing
    /// stored). Throws <see cref="VoteWriterUnavailableException"/> when the database failed the batch or the service stops.
    /// </summary>
    public async Task<bool> StoreAsync(Guid statementId, Guid participantId, short value, DateTimeOffset castAt, CancellationToken ct)
    {
        var pending = new Pending(statementId, participantId, value, castAt);
        try
        {
            await queue.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException e)
        {
            throw new VoteWriterUnavailableException("The service is stopping.", e);
        }
        // Once queued the vote is written whatever happens to the request: wait for the outcome.
        return await pending.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            // The one statement runs hundreds of times a second: prepared on each connection after its second use, so
            // PostgreSQL does not parse and plan it for every batch (≈ 0.3 ms of its CPU each).
            var connectionString = new NpgsqlConnectionStringBuilder(scope.ServiceProvider.GetRequiredService<CharterDbContext>().Database.GetConnectionString())
            {
                MaxAutoPrepare = 4,
                AutoPrepareMinUsages = 2,
            };
            dataSource = NpgsqlDataSource.Create(connectionString);
        }
        try
        {
            var writers = Enumerable.Range(0, Math.Max(1, options.Value.Writers)).Select(_ => Task.Run(WriteLoopAsync, CancellationToken.None));
            await using var registration = stoppingToken.Register(() => queue.Writer.TryComplete());
            await Task.WhenAll(writers);
        }
        finally
        {
            await dataSource.DisposeAsync();
        }
    }

    /// <summary>Until the queue is completed and drained: take what is waiting, store it, answer.</summary>
    private async Task WriteLoopAsync()
    {
        var max = Math.Max(1, options.Value.MaxBatch);
        var batch = new List<Pending>(max);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < max && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                var stored = await WriteAsync(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].TrySetResult(stored[i]);
                }
            }
#pragma warning disable CA1031 // every waiting request gets the failure; the writer goes on with the next batch
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogBatchFailed(logger, e, batch.Count);
                var failure = new VoteWriterUnavailableException("The votes could not be stored.", e);
                foreach (var p in batch)
                {
                    p.TrySetException(failure);
                }
            }
        }
    }

    private async Task<bool[]> WriteAsync(List<Pending> batch)
    {
        var n = batch.Count;
        var statements = new Guid[n];
        var participants = new Guid[n];
        var values = new short[n];
        var castAt = new DateTimeOffset[n];
        for (var i = 0; i < n; i++)
        {
            (statements[i], participants[i], values[i], castAt[i]) = (batch[i].StatementId, batch[i].ParticipantId, batch[i].Value, batch[i].CastAt);
        }
        var stored = new bool[n];
        // One statement, so one implicit transaction: committed when the statement has run (its rows read).
        await using var command = dataSource!.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("statements", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = statements });
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("participants", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = participants });
        command.Parameters.Add(new NpgsqlParameter<short[]>("values", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = values });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("cast_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = castAt });
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored[reader.GetInt64(0) - 1] = true;
            }
        }
        return stored;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} votes could not be stored")]
    private static partial void LogBatchFailed(ILogger logger, Exception e, int count);
}

public sealed class VoteWriterUnavailableException : Exception
{
    public VoteWriterUnavailableException()
    {
    }

    public VoteWriterUnavailableException(string message) : base(message)
    {
    }

    public VoteWriterUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }
}
