using Agora.Charter.Consensus;

namespace Agora.Charter.Tests.Consensus;

/// <summary>When the background worker recomputes (Interval 2 s, Quiet 1 s, MaxDelay 15 s, the defaults).</summary>
public sealed class AnalysisScheduleTests
{
    private static readonly AnalysisScheduleOptions Schedule = new();
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static AnalysisResult Stored(long lastVoteId, DateTimeOffset computedAt) =>
        new() { ConversationId = Guid.Empty, ComputedAt = computedAt, LastVoteId = lastVoteId, Revision = 1, ProfileStamp = "0:0", Json = "" };

    private static AnalysisRunner.Signature Votes(long lastVoteId, DateTimeOffset lastVoteAt) => new(lastVoteId, lastVoteAt, 1, "0:0");

    [Fact]
    public void A_result_matching_the_votes_revision_and_profiles_is_not_stale()
    {
        var stored = Stored(100, Now.AddHours(-1));
        Assert.False(AnalysisRunner.Stale(Votes(100, Now.AddHours(-1)), stored));
        Assert.True(AnalysisRunner.Stale(Votes(101, Now), stored));
        Assert.True(AnalysisRunner.Stale(Votes(100, Now.AddHours(-1)) with { Revision = 2 }, stored));
        Assert.True(AnalysisRunner.Stale(Votes(100, Now.AddHours(-1)) with { ProfileStamp = "1:5" }, stored));
        Assert.False(AnalysisRunner.Stale(new AnalysisRunner.Signature(0, null, 1, "0:0"), null)); // no votes, nothing to analyse
    }

    [Fact]
    public void A_burst_of_votes_after_a_quiet_spell_is_recomputed_once_it_has_waited_max_delay_not_on_its_first_votes()
    {
        // The last result is an hour old; votes started arriving just now and keep coming.
        var stored = Stored(100, Now.AddHours(-1));
        var voting = Votes(150, Now.AddMilliseconds(-100));

        Assert.False(AnalysisRunner.Due(voting, stored, Schedule, Now, staleSince: Now));
        Assert.False(AnalysisRunner.Due(voting, stored, Schedule, Now, staleSince: Now.AddSeconds(-14)));
        Assert.True(AnalysisRunner.Due(voting, stored, Schedule, Now, staleSince: Now.AddSeconds(-15)));
    }

    [Fact]
    public void A_result_another_replica_stored_recently_is_not_recomputed_again_before_max_delay()
    {
        // This replica has seen the conversation stale for 20 s, but another one stored a result 5 s ago.
        var voting = Votes(150, Now.AddMilliseconds(-100));
        Assert.False(AnalysisRunner.Due(voting, Stored(140, Now.AddSeconds(-5)), Schedule, Now, staleSince: Now.AddSeconds(-20)));
        Assert.True(AnalysisRunner.Due(voting, Stored(140, Now.AddSeconds(-15)), Schedule, Now, staleSince: Now.AddSeconds(-20)));
    }

    [Fact]
    public void Votes_quiet_for_the_debounce_or_a_conversation_never_analysed_are_recomputed_at_once()
    {
        Assert.True(AnalysisRunner.Due(Votes(150, Now.AddSeconds(-1)), Stored(100, Now.AddSeconds(-3)), Schedule, Now, staleSince: Now));
        Assert.True(AnalysisRunner.Due(Votes(150, Now.AddMilliseconds(-100)), null, Schedule, Now, staleSince: Now));
    }
}
