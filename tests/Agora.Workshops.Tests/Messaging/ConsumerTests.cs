using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Workshops.Tests.Messaging;

/// <summary>The registry's events arrive over the real broker and are applied once.</summary>
public sealed class ConsumerTests(WorkshopsFactory factory) : IClassFixture<WorkshopsFactory>
{
    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task Profile_changes_feed_the_local_read_model_and_an_older_one_never_overwrites()
    {
        var id = Guid.NewGuid();
        var bus = factory.Services.GetRequiredService<IBus>();
        var now = DateTimeOffset.UtcNow;
        await bus.Publish(new ParticipantProfileChanged(id, "movement", "ar", ["water"], new ConstituencyAttributes("Sidi Bouzid", "female", "18-24", "student"), now));
        await Eventually.UntilAsync(async () =>
        {
            await using var scope = factory.Scope(out var db);
            return await db.Profiles.AnyAsync(p => p.ParticipantId == id);
        }, because: "the profile event is consumed");
        var observer = new ConsumedCounter();
        using var handle = bus.ConnectConsumeObserver(observer);
        // Counted by message id: the first event's PostConsume may still fire after its row became visible.
        var older = NewId.NextGuid();
        await bus.Publish(new ParticipantProfileChanged(id, "movement", "ar", [], new ConstituencyAttributes("gafsa", null, "25-34", null), now.AddMinutes(-5)), c => c.MessageId = older);
        await Eventually.UntilAsync(() => observer.Count(older) == 1, because: "the older profile event is consumed");

        await using var check = factory.Scope(out var db);
        var p = await db.Profiles.SingleAsync(p => p.ParticipantId == id);
        Assert.Equal("sidi bouzid", p.Governorate);
        Assert.Equal("18-24", p.AgeBand);
        Assert.Equal("female", p.Gender);
        Assert.Equal("student", p.Occupation);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_profile_events_for_a_new_participant_at_once_both_apply_and_the_later_one_wins(bool laterArrivesFirst)
    {
        var id = Guid.CreateVersion7();
        var at = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        var registration = new ParticipantProfileChanged(id, "individual", "fr", [], new ConstituencyAttributes(null, null, null, null), at);
        var change = new ParticipantProfileChanged(id, "individual", "ar", [], new ConstituencyAttributes("sfax", "female", "25-34", "lawyer"), at.AddMinutes(1));
        var (first, second) = laterArrivesFirst ? (change, registration) : (registration, change);

        await using var one = factory.Scope(out var db1);
        await using var two = factory.Scope(out var db2);
        await using var tx1 = await db1.Database.BeginTransactionAsync();
        await Profiles.ParticipantProfileChangedConsumer.ApplyAsync(db1, first, CancellationToken.None);
        await db1.SaveChangesAsync();

        // The second consumer writes while the first has not committed: it waits on the first (the per-participant erasure lock, then the row).
        await using var tx2 = await db2.Database.BeginTransactionAsync();
        var concurrent = Task.Run(async () =>
        {
            await Profiles.ParticipantProfileChangedConsumer.ApplyAsync(db2, second, CancellationToken.None);
            await db2.SaveChangesAsync();
        });
        await Eventually.UntilAsync(async () =>
        {
            // A session of its own, outside any transaction: pg_stat_activity is read once per transaction.
            await using var scope = factory.Scope(out var db);
            return await db.Database.SqlQuery<int>($"""
                SELECT count(*)::int AS "Value" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                """).SingleAsync() == 1;
        }, TimeSpan.FromSeconds(10), "the second insert waits on the first");
        await tx1.CommitAsync();
        await concurrent; // no duplicate-key exception (and so no retry, no error in the log)
        await tx2.CommitAsync();

        await using var check = factory.Scope(out var after);
        var p = await after.Profiles.AsNoTracking().SingleAsync(p => p.ParticipantId == id);
        Assert.Equal(("sfax", "female", "25-34", "lawyer", at.AddMinutes(1)), (p.Governorate, p.Gender, p.AgeBand, p.Occupation, p.ChangedAt));
    }

    [Fact]
    public async Task An_attribute_cut_to_its_column_never_splits_an_emoji()
    {
        var id = Guid.CreateVersion7();
        // The governorate's 50th UTF-16 unit is the first half of an emoji: the emoji is left out whole. The occupation's
        // emoji ends on the 50th unit: it is kept whole.
        var governorate = new string('a', 49) + "\U0001F30D" + "sud";
        var occupation = new string('b', 48) + "\U0001F30D" + "x";
        var change = new ParticipantProfileChanged(id, "individual", "ar", [],
            new ConstituencyAttributes(governorate, null, null, occupation), DateTimeOffset.UtcNow);

        await using (factory.Scope(out var db))
        {
            await Profiles.ParticipantProfileChangedConsumer.ApplyAsync(db, change, CancellationToken.None);
        }

        await using var check = factory.Scope(out var after);
        var p = await after.Profiles.AsNoTracking().SingleAsync(p => p.ParticipantId == id);
        Assert.Equal(new string('a', 49), p.Governorate);
        Assert.Equal(new string('b', 48) + "\U0001F30D", p.Occupation);
    }

    [Fact]
    public async Task Erasure_anonymizes_what_the_service_holds_once_even_when_redelivered()
    {
        var workshop = await arrange.WorkshopAsync("in_progress");
        var session = await arrange.SessionAsync(workshop, capacity: 5);
        var erased = Guid.NewGuid();
        var bus = factory.Services.GetRequiredService<IBus>();
        await using (factory.Scope(out var db))
        {
            db.Profiles.Add(new Profiles.ParticipantProfile { ParticipantId = erased, Kind = "individual", AgeBand = "18-24", ChangedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var registration = await arrange.RegisterAsync(session, erased);
        // A session the person attended: moved into the past once they registered.
        var past = await arrange.SessionAsync(workshop, capacity: 5, days: 31);
        var attended = await arrange.RegisterAsync(past, erased);
        await using (factory.Scope(out var db))
        {
            var yesterday = DateTimeOffset.UtcNow.AddDays(-1);
            await db.Sessions.Where(s => s.Id == past).ExecuteUpdateAsync(s => s.SetProperty(x => x.StartsAt, yesterday).SetProperty(x => x.EndsAt, yesterday.AddHours(3)));
        }
        var client = Arrange.Participant(factory, erased);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/posts", new { body = "رأيي الشخصي" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/workshops/workshops/{workshop}/contributions", new { type = "value", language = "ar", text = "الكرامة" })).StatusCode);
        var feed = await client.PostAsync("/api/workshops/me/calendar-feed", null);
        Assert.Equal(HttpStatusCode.Created, feed.StatusCode);
        var feedUrl = (await feed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync(feedUrl)).StatusCode);
        var observer = new ConsumedCounter();
        using var handle = bus.ConnectConsumeObserver(observer);
        var messageId = NewId.NextGuid();

        await bus.Publish(new ParticipantErased(erased, DateTimeOffset.UtcNow), c => c.MessageId = messageId);
        await Eventually.UntilAsync(() => observer.Count(messageId) == 1, because: "the erasure is consumed");

        await using (factory.Scope(out var db))
        {
            Assert.False(await db.Profiles.AnyAsync(p => p.ParticipantId == erased));
            Assert.False(await db.Registrations.AnyAsync(r => r.ParticipantId == erased));
            // The seat in the session yet to come is given up, as a cancellation gives it up.
            var upcoming = await db.Registrations.SingleAsync(r => r.Id == registration.GetProperty("id").GetGuid());
            Assert.Equal("cancelled", upcoming.Status);
            Assert.NotNull(upcoming.CancelledAt);
            Assert.Equal(0, await db.Registrations.CountAsync(r => r.SessionId == session && r.Status == "confirmed"));
            // The past session's registration still counts in its statistics; it is no one's now.
            var kept = await db.Registrations.SingleAsync(r => r.Id == attended.GetProperty("id").GetGuid());
            Assert.Equal("confirmed", kept.Status);
            Assert.NotEqual(attended.GetProperty("checkInCode").GetString(), kept.CheckInCode);
            var post = await db.Posts.SingleAsync(p => p.WorkshopId == workshop);
            Assert.Null(post.AuthorId);
            Assert.Equal("", post.Body);
            Assert.True(post.Erased);
            Assert.False(await db.Contributions.AnyAsync(c => c.WorkshopId == workshop));
            Assert.False(await db.CalendarFeeds.AnyAsync(f => f.ParticipantId == erased));
        }
        // The calendar app that subscribed gets nothing more.
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync(feedUrl)).StatusCode);
        // The erased person's access token, still unexpired, is refused: it cannot make a new feed.
        var late = await client.PostAsync("/api/workshops/me/calendar-feed", null);
        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.EndsWith("/unauthorized", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        await using (factory.Scope(out var db))
        {
            Assert.False(await db.CalendarFeeds.AnyAsync(f => f.ParticipantId == erased));
        }

        // A row under the same id again (the person's token is refused now: written directly), then the erasure is redelivered: the inbox absorbs it.
        var again = Guid.CreateVersion7();
        await using (factory.Scope(out var db))
        {
            db.Registrations.Add(new Agora.Workshops.Registrations.Registration
            {
                Id = again, SessionId = session, WorkshopId = workshop, ParticipantId = erased, Status = Agora.Workshops.Registrations.RegistrationStatus.Confirmed,
                Sequence = 1000, CheckInCode = $"TEST{Guid.NewGuid():N}"[..26].ToUpperInvariant(), RegisteredAt = DateTimeOffset.UtcNow, ConfirmedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        await bus.Publish(new ParticipantErased(erased, DateTimeOffset.UtcNow), c => c.MessageId = messageId);
        await Eventually.UntilAsync(() => observer.Count(messageId) == 2, because: "the redelivery is consumed");

        await using var check = factory.Scope(out var after);
        Assert.Equal(erased, (await after.Registrations.SingleAsync(r => r.Id == again)).ParticipantId);
        Assert.Equal(1, await after.Set<ConsumedMessage>().CountAsync(m => m.MessageId == messageId));
    }

    [Fact]
    public async Task A_profile_event_arriving_after_the_erasure_does_not_bring_the_erased_persons_attributes_back()
    {
        var erased = Guid.NewGuid();
        var bus = factory.Services.GetRequiredService<IBus>();
        var observer = new ConsumedCounter();
        using var handle = bus.ConnectConsumeObserver(observer);
        var erasure = NewId.NextGuid();
        var changedAt = DateTimeOffset.UtcNow;
        await bus.Publish(new ParticipantErased(erased, changedAt.AddSeconds(1)), c => c.MessageId = erasure);
        await Eventually.UntilAsync(() => observer.Count(erasure) == 1, because: "the erasure is consumed");

        // The profile change the person made just before asking for erasure, redelivered late (a retry, another queue).
        var late = NewId.NextGuid();
        await bus.Publish(new ParticipantProfileChanged(erased, "individual", "ar", [], new ConstituencyAttributes("kebili", "female", "18-24", "student"), changedAt),
            c => c.MessageId = late);
        await Eventually.UntilAsync(() => observer.Count(late) == 1, because: "the late profile event is consumed");

        await using var check = factory.Scope(out var db);
        Assert.False(await db.Profiles.AnyAsync(p => p.ParticipantId == erased));
    }

    [Fact]
    public async Task Erasure_gives_a_coming_seat_to_the_next_on_the_waitlist_and_leaves_no_ghost_on_one()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var full = await arrange.SessionAsync(workshop, capacity: 1);
        var other = await arrange.SessionAsync(workshop, capacity: 1);
        var erased = Guid.NewGuid();
        var next = Guid.NewGuid();
        var holder = Guid.NewGuid();
        Assert.Equal("confirmed", (await arrange.RegisterAsync(full, erased)).GetProperty("status").GetString());
        var waiting = (await arrange.RegisterAsync(full, next)).GetProperty("id").GetGuid();
        var held = (await arrange.RegisterAsync(other, holder)).GetProperty("id").GetGuid();
        Assert.Equal("waitlisted", (await arrange.RegisterAsync(other, erased)).GetProperty("status").GetString());
        var bus = factory.Services.GetRequiredService<IBus>();
        var observer = new ConsumedCounter();
        using var handle = bus.ConnectConsumeObserver(observer);
        var messageId = NewId.NextGuid();

        await bus.Publish(new ParticipantErased(erased, DateTimeOffset.UtcNow), c => c.MessageId = messageId);
        await Eventually.UntilAsync(() => observer.Count(messageId) == 1, because: "the erasure is consumed");

        await using (factory.Scope(out var db))
        {
            Assert.Equal("confirmed", (await db.Registrations.SingleAsync(r => r.Id == waiting)).Status);
            Assert.False(await db.Registrations.AnyAsync(r => (r.SessionId == full || r.SessionId == other) && r.Status == "waitlisted"));
        }
        var promoted = Assert.Single(await arrange.EventsAsync("WaitlistPromoted", full));
        Assert.Equal(waiting, promoted.GetProperty("registrationId").GetGuid());
        Assert.Equal(next, promoted.GetProperty("participantId").GetGuid());

        // The seat the erased person waited for goes to nobody: no promotion of a ghost.
        Assert.Equal(HttpStatusCode.NoContent, (await Arrange.Participant(factory, holder).DeleteAsync($"/api/workshops/registrations/{held}")).StatusCode);
        Assert.Empty(await arrange.EventsAsync("WaitlistPromoted", other));
        await using var check = factory.Scope(out var after);
        Assert.False(await after.Registrations.AnyAsync(r => r.SessionId == other && r.Status != "cancelled"));
    }

    [Fact]
    public async Task An_erased_participants_token_is_refused_once_the_erasure_is_consumed_and_nothing_is_written()
    {
        var workshop = await arrange.WorkshopAsync("open");
        var first = await arrange.SessionAsync(workshop, capacity: 5);
        var second = await arrange.SessionAsync(workshop, capacity: 5);
        var erased = Guid.NewGuid();
        var other = Guid.NewGuid();
        var client = Arrange.Participant(factory, erased);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/workshops/sessions/{first}/registrations", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/workshops/me/registrations")).StatusCode);
        var bus = factory.Services.GetRequiredService<IBus>();
        var observer = new ConsumedCounter();
        using var handle = bus.ConnectConsumeObserver(observer);
        var messageId = NewId.NextGuid();

        await bus.Publish(new ParticipantErased(erased, DateTimeOffset.UtcNow), c => c.MessageId = messageId);
        await Eventually.UntilAsync(() => observer.Count(messageId) == 1, because: "the erasure is consumed");

        // The same token (validated before, so remembered by the token cache) is refused, as an expired one is.
        var refused = await client.PostAsync($"/api/workshops/sessions/{second}/registrations", null);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/unauthorized", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/workshops/me/registrations")).StatusCode);
        await using (factory.Scope(out var db))
        {
            Assert.False(await db.Registrations.AnyAsync(r => r.ParticipantId == erased));
            Assert.False(await db.Registrations.AnyAsync(r => r.SessionId == second));
        }
        // Someone else's token still works.
        Assert.Equal("confirmed", (await arrange.RegisterAsync(second, other)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_tombstone_written_by_another_replica_refuses_the_token_within_the_refresh_interval()
    {
        var erased = Guid.NewGuid();
        var client = Arrange.Participant(factory, erased);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/workshops/me/registrations")).StatusCode);

        // Another replica consumed the erasure: this process only learns of it from the table, read every 5 s by default.
        await using (factory.Scope(out var db))
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO erased_participants (participant_id, erased_at) VALUES ({erased}, {DateTimeOffset.UtcNow})");
        }
        await Eventually.UntilAsync(async () => (await client.GetAsync("/api/workshops/me/registrations")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(8), "the token is refused within the refresh interval");
        Assert.Equal(HttpStatusCode.OK, (await Arrange.Participant(factory, Guid.NewGuid()).GetAsync("/api/workshops/me/registrations")).StatusCode);
    }

    private sealed class ConsumedCounter : IConsumeObserver
    {
        private readonly ConcurrentDictionary<Guid, int> counts = new();

        /// <summary>Successful consumes of the message with this id (a redelivery counts again).</summary>
        public int Count(Guid messageId) => counts.GetValueOrDefault(messageId);

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.MessageId is { } id)
            {
                counts.AddOrUpdate(id, 1, (_, n) => n + 1);
            }
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
