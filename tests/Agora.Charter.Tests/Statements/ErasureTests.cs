using Agora.Charter.Constituencies;
using Agora.Charter.Statements;
using Agora.Charter.Votes;
using System.Net;
using Agora.Contracts.Registry;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Statements;

public sealed class ErasureTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    [Fact]
    public async Task An_erased_participants_votes_still_count_but_carry_one_random_pseudonym()
    {
        var s = await factory.StatementsAsync(Conversation.MainId, 2);
        int revision;
        await using (var scope = factory.Scope(out var db))
        {
            revision = await db.Conversations.Where(c => c.Id == Conversation.MainId).Select(c => c.Revision).SingleAsync();
        }
        var erased = Guid.NewGuid();
        var other = Guid.NewGuid();
        await using (var scope = factory.Scope(out var db))
        {
            db.Votes.AddRange(
                new Vote { ConversationId = Conversation.MainId, StatementId = s[0], ParticipantId = erased, Value = 1, CastAt = DateTimeOffset.UtcNow },
                new Vote { ConversationId = Conversation.MainId, StatementId = s[1], ParticipantId = erased, Value = -1, CastAt = DateTimeOffset.UtcNow },
                new Vote { ConversationId = Conversation.MainId, StatementId = s[0], ParticipantId = other, Value = 1, CastAt = DateTimeOffset.UtcNow });
            db.Profiles.Add(new ParticipantProfile { ParticipantId = erased, Kind = "individual", Governorate = "kasserine", ChangedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await factory.PublishUntilAsync(new ParticipantErased(erased, DateTimeOffset.UtcNow), Guid.NewGuid(), async () =>
        {
            await using var scope = factory.Scope(out var db);
            return !await db.Votes.AnyAsync(v => v.ParticipantId == erased);
        });

        await using var check = factory.Scope(out var after);
        var votes = await after.Votes.Where(v => s.Contains(v.StatementId)).ToListAsync();
        Assert.Equal(3, votes.Count);
        var pseudonyms = votes.Where(v => v.ParticipantId != other).Select(v => v.ParticipantId).Distinct().ToList();
        var pseudonym = Assert.Single(pseudonyms);
        Assert.NotEqual(erased, pseudonym);
        Assert.Equal([-1, 1], votes.Where(v => v.ParticipantId == pseudonym).Select(v => (int)v.Value).Order().ToArray());
        Assert.False(await after.Profiles.AnyAsync(p => p.ParticipantId == erased));
        // The analysis, which holds votes in memory by participant, reads the conversation again.
        Assert.Equal(revision + 1, await after.Conversations.Where(c => c.Id == Conversation.MainId).Select(c => c.Revision).SingleAsync());
    }

    [Fact]
    public async Task A_profile_event_arriving_after_the_erasure_does_not_bring_the_erased_persons_attributes_back()
    {
        var erased = Guid.NewGuid();
        var changedAt = DateTimeOffset.UtcNow;
        var erasure = Guid.NewGuid();
        await factory.PublishUntilAsync(new ParticipantErased(erased, changedAt.AddSeconds(1)), erasure, async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Set<Agora.Messaging.ConsumedMessage>().AnyAsync(m => m.MessageId == erasure);
        });

        // The profile change the person made just before asking for erasure, redelivered late (a retry, another queue).
        var late = Guid.NewGuid();
        await factory.PublishUntilAsync(new ParticipantProfileChanged(erased, "individual", "ar", [], new ConstituencyAttributes("kebili", "female", "18-24", "student"), changedAt),
            late, async () =>
            {
                await using var scope = factory.Scope(out var db);
                return await db.Set<Agora.Messaging.ConsumedMessage>().AnyAsync(m => m.MessageId == late);
            });

        await using var check = factory.Scope(out var after);
        Assert.False(await after.Profiles.AnyAsync(p => p.ParticipantId == erased));
    }

    [Fact]
    public async Task An_erased_participants_token_is_refused_once_the_erasure_is_consumed_and_their_vote_is_not_written()
    {
        var s = await factory.StatementsAsync(Conversation.MainId, 2);
        var erased = Guid.NewGuid();
        var other = Guid.NewGuid();
        var client = factory.ClientFor(erased, Roles.Participant);
        await (await client.VoteAsync(s[0], "agree")).ReadAsync(HttpStatusCode.Created);
        await Eventually.UntilAsync(async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Votes.AnyAsync(v => v.ParticipantId == erased);
        }, because: "the vote is written");

        await factory.PublishUntilAsync(new ParticipantErased(erased, DateTimeOffset.UtcNow), Guid.NewGuid(), async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Erased.AnyAsync(e => e.ParticipantId == erased);
        });

        // The same token, remembered by the token cache, is refused as an expired one is: the vote is not taken.
        await (await client.VoteAsync(s[1], "disagree")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await client.GetAsync($"/api/charter/statements/{s[1]}/votes/mine")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await using (var scope = factory.Scope(out var db))
        {
            Assert.False(await db.Votes.AnyAsync(v => v.ParticipantId == erased));
            Assert.False(await db.Votes.AnyAsync(v => v.StatementId == s[1]));
        }
        // Someone else still votes.
        await (await factory.ClientFor(other, Roles.Participant).VoteAsync(s[1], "agree")).ReadAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_tombstone_written_by_another_replica_refuses_the_token_within_the_refresh_interval()
    {
        var erased = Guid.NewGuid();
        var statement = (await factory.StatementsAsync(Conversation.MainId, 1))[0];
        var client = factory.ClientFor(erased, Roles.Participant);
        await (await client.GetAsync($"/api/charter/statements/{statement}/votes/mine")).ReadAsync(HttpStatusCode.OK);

        // Another replica consumed the erasure: this process only learns of it from the table, read every 5 s by default.
        await using (var scope = factory.Scope(out var db))
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO erased_participants (participant_id, erased_at) VALUES ({erased}, {DateTimeOffset.UtcNow})");
        }
        await Eventually.UntilAsync(async () => (await client.GetAsync($"/api/charter/statements/{statement}/votes/mine")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(8), "the token is refused within the refresh interval");
        await (await factory.ClientFor(Guid.NewGuid(), Roles.Participant).GetAsync($"/api/charter/statements/{statement}/votes/mine")).ReadAsync(HttpStatusCode.OK);
    }
}
