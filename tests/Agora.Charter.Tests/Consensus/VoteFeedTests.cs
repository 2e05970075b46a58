using Agora.Charter.Analysis;
using Agora.Charter.Consensus;
using Agora.Charter.Statements;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Agora.Charter.Tests.Consensus;

/// <summary>
/// The analysis's in-memory votes against real PostgreSQL: each read takes only the votes stored since the last one,
/// and none is lost to transactions that commit out of id order or roll back.
/// </summary>
public sealed class VoteFeedTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    // A feed's first read starts after the votes cast before GapTimeout ago: here, those of the tests before this one.
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow + VoteFeed.GapTimeout);

    private async Task<(Guid Conversation, Guid[] Statements)> ConversationAsync()
    {
        var id = Guid.CreateVersion7();
        await using (var scope = factory.Scope(out var db))
        {
            db.Conversations.Add(new Conversation { Id = id, Title = "feed", Source = "agora", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        return (id, await factory.StatementsAsync(id, 2));
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<long> VoteAsync(NpgsqlConnection connection, Guid conversation, Guid statement, Guid participant, short value,
        NpgsqlTransaction? transaction = null)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO votes (conversation_id, statement_id, participant_id, value, cast_at) VALUES (@c, @s, @p, @v, now()) RETURNING id",
            connection, transaction);
        insert.Parameters.AddWithValue("c", conversation);
        insert.Parameters.AddWithValue("s", statement);
        insert.Parameters.AddWithValue("p", participant);
        insert.Parameters.AddWithValue("v", value);
        return (long)(await insert.ExecuteScalarAsync())!;
    }

    private static (Guid, ModerationStatus)[] Accepted(Guid[] statements) => [.. statements.Select(s => (s, ModerationStatus.Accepted))];

    private static int Row(VoteMatrix matrix, Guid participant) => matrix.ParticipantKeys.ToList().IndexOf(participant.ToString());

    [Fact]
    public async Task A_vote_that_commits_after_a_later_one_is_waited_for_and_both_are_taken_once_it_commits()
    {
        var (conversation, s) = await ConversationAsync();
        var feed = new VoteFeed(clock);
        await using var reader = await OpenAsync();
        await using var writer = await OpenAsync();
        await using var slow = await OpenAsync();
        var first = await VoteAsync(writer, conversation, s[0], Guid.NewGuid(), 1);
        var (matrix, last) = feed.Matrix(reader, conversation, 0, Accepted(s));
        Assert.Equal((1, first), (matrix.VoteCount, last));

        // The slow transaction takes its id first and commits after a later vote is visible.
        await using var transaction = await slow.BeginTransactionAsync();
        var held = await VoteAsync(slow, conversation, s[0], Guid.NewGuid(), -1, transaction);
        var later = await VoteAsync(writer, conversation, s[1], Guid.NewGuid(), 0);
        Assert.True(later > held);
        (matrix, last) = feed.Matrix(reader, conversation, 0, Accepted(s));
        Assert.Equal((1, first), (matrix.VoteCount, last)); // not past the id still being written
        clock.Advance(TimeSpan.FromSeconds(5));
        (matrix, last) = feed.Matrix(reader, conversation, 0, Accepted(s));
        Assert.Equal((1, first), (matrix.VoteCount, last));

        await transaction.CommitAsync();
        (matrix, last) = feed.Matrix(reader, conversation, 0, Accepted(s));
        Assert.Equal((3, later), (matrix.VoteCount, last));
    }

    [Fact]
    public async Task The_id_of_a_rolled_back_vote_does_not_hold_back_the_votes_after_it()
    {
        var (conversation, s) = await ConversationAsync();
        var feed = new VoteFeed(clock);
        await using var reader = await OpenAsync();
        await using var writer = await OpenAsync();
        feed.Matrix(reader, conversation, 0, Accepted(s));
        await using (var transaction = await writer.BeginTransactionAsync())
        {
            await VoteAsync(writer, conversation, s[0], Guid.NewGuid(), 1, transaction);
            await transaction.RollbackAsync();
        }
        var after = await VoteAsync(writer, conversation, s[1], Guid.NewGuid(), 1);

        // Passed as soon as no transaction that was running when it was missed still runs (other tests' transactions on
        // the same server may delay that by a round), and after VoteFeed.GapTimeout whatever happens.
        feed.Matrix(reader, conversation, 0, Accepted(s));
        clock.Advance(VoteFeed.GapTimeout);
        var (matrix, last) = feed.Matrix(reader, conversation, 0, Accepted(s));
        Assert.Equal((1, after), (matrix.VoteCount, last));
    }

    [Fact]
    public async Task Votes_are_read_once_and_the_last_vote_on_a_statement_counts_across_reads()
    {
        var (conversation, s) = await ConversationAsync();
        var feed = new VoteFeed(clock);
        await using var reader = await OpenAsync();
        await using var writer = await OpenAsync();
        var voter = Guid.NewGuid();
        await VoteAsync(writer, conversation, s[0], voter, 1);
        feed.Matrix(reader, conversation, 0, Accepted(s));
        await VoteAsync(writer, conversation, s[0], voter, -1);
        await VoteAsync(writer, conversation, s[1], voter, 0);

        var (matrix, _) = feed.Matrix(reader, conversation, 0, Accepted(s));
        var row = Row(matrix, voter);
        Assert.Equal([0, 1], matrix.StatementsOf(row).ToArray());
        Assert.Equal([-1, 0], matrix.VotesOf(row).ToArray());
        Assert.Equal(2, matrix.VoteCount);
    }

    [Fact]
    public async Task A_new_revision_reads_the_conversation_again_and_moderation_applies_without_one()
    {
        var (conversation, s) = await ConversationAsync();
        var feed = new VoteFeed(clock);
        await using var reader = await OpenAsync();
        await using var writer = await OpenAsync();
        var voter = Guid.NewGuid();
        await VoteAsync(writer, conversation, s[0], voter, 1);
        var (matrix, _) = feed.Matrix(reader, conversation, 0, Accepted(s));
        Assert.True(Row(matrix, voter) >= 0);

        // As an erasure does: the participant's votes carry a pseudonym from now on.
        var pseudonym = Guid.NewGuid();
        await using (var update = new NpgsqlCommand("UPDATE votes SET participant_id = @p WHERE participant_id = @old", writer))
        {
            update.Parameters.AddWithValue("p", pseudonym);
            update.Parameters.AddWithValue("old", voter);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
        (matrix, _) = feed.Matrix(reader, conversation, 0, [(s[0], ModerationStatus.ModeratedOut), (s[1], ModerationStatus.Accepted)]);
        Assert.True(Row(matrix, voter) >= 0); // held in memory: the same revision is not read again
        Assert.Equal(ModerationStatus.ModeratedOut, matrix.Moderation[matrix.StatementKeys.ToList().IndexOf(s[0].ToString())]);

        (matrix, _) = feed.Matrix(reader, conversation, 1, Accepted(s));
        Assert.Equal(-1, Row(matrix, voter));
        Assert.True(Row(matrix, pseudonym) >= 0);
    }
}
