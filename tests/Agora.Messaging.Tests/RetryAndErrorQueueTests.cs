using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Messaging.Tests;

/// <summary>Every attempt a retried consumer made, with when it started.</summary>
public sealed class Attempts
{
    private readonly ConcurrentQueue<(Guid WidgetId, DateTimeOffset At)> all = new();

    public ConcurrentQueue<Guid> Finished { get; } = new();

    /// <summary>Records an attempt; returns its number for this widget (1 for the first delivery).</summary>
    public int Record(Guid widgetId)
    {
        all.Enqueue((widgetId, DateTimeOffset.UtcNow));
        return CountOf(widgetId);
    }

    public int CountOf(Guid widgetId) => all.Count(a => a.WidgetId == widgetId);

    public List<DateTimeOffset> TimesOf(Guid widgetId) => all.Where(a => a.WidgetId == widgetId).Select(a => a.At).ToList();
}

/// <summary>A consumer that never succeeds: every attempt throws.</summary>
public sealed class AlwaysFailingConsumer(Attempts attempts) : IConsumer<WidgetCreated>
{
    public const string Failure = "The widget store is on fire (a test failure).";

    public Task Consume(ConsumeContext<WidgetCreated> context)
    {
        attempts.Record(context.Message.WidgetId);
        throw new InvalidOperationException(Failure);
    }
}

public enum FailurePoint
{
    /// <summary>The effect is written in the inbox's transaction, then the attempt throws before the commit.</summary>
    BeforeTheCommit,

    /// <summary>The effect and the inbox record are committed, then the attempt throws.</summary>
    AfterTheCommit,
}

/// <summary>Where <see cref="FailingOnceConsumer"/>'s first attempt fails.</summary>
public sealed record FailOnce(FailurePoint Point);

/// <summary>A consumer whose first attempt at each message fails (at <see cref="FailOnce.Point"/>) and whose next one succeeds.</summary>
public sealed class FailingOnceConsumer(TestDbContext db, Attempts attempts, FailOnce failOnce) : IConsumer<WidgetCreated>
{
    public async Task Consume(ConsumeContext<WidgetCreated> context)
    {
        var first = attempts.Record(context.Message.WidgetId) == 1;
        await db.ConsumeOnceAsync(context, nameof(FailingOnceConsumer), async ct =>
        {
            db.Add(new WidgetEffect { Id = Guid.CreateVersion7(), WidgetId = context.Message.WidgetId });
            if (first && failOnce.Point == FailurePoint.BeforeTheCommit)
            {
                await db.SaveChangesAsync(ct); // written inside the transaction, never committed
                throw new InvalidOperationException("Failed before the commit (a test failure).");
            }
        }, TimeProvider.System);
        if (first && failOnce.Point == FailurePoint.AfterTheCommit)
        {
            throw new InvalidOperationException("Failed after the commit (a test failure).");
        }
        attempts.Finished.Enqueue(context.Message.WidgetId);
    }
}

/// <summary>
/// What <see cref="MessagingExtensions.AddAgoraMessaging{TDbContext}"/> configures for a consumer that throws: five
/// retries with exponential backoff (100 ms, then about 0.3, 0.7, 1.5 and 3.1 s), then the message moves to the
/// consumer's <c>&lt;queue&gt;_error</c> queue. The intervals are fixed in the extension, so a test that exhausts the
/// retries takes about six seconds.
/// </summary>
public sealed class RetryAndErrorQueueTests
{
    private const int ConfiguredRetries = 5;

    [Fact]
    public async Task A_consumer_that_always_fails_is_retried_with_backoff_then_its_message_moves_to_the_error_queue()
    {
        await using var harness = await MessagingHarness.CreateAsync();
        var host = await harness.StartHostAsync("retry", bus => bus.AddConsumer<AlwaysFailingConsumer>());
        var widget = Guid.CreateVersion7();
        var messageId = NewId.NextGuid();

        await host.Services.GetRequiredService<IBus>().Publish(new WidgetCreated(widget, "doomed"), c => c.MessageId = messageId);

        // Queues are named <service>-<consumer>; the error queue is that name with "_error".
        var dead = await Eventually.GetAsync(() => PeekAsync(harness, "retry-always-failing_error"), m => m is { Count: > 0 },
            TimeSpan.FromSeconds(60), "the message reaches the error queue once the retries are spent");

        Assert.Equal(1 + ConfiguredRetries, harness.Attempts.CountOf(widget));
        var times = harness.Attempts.TimesOf(widget);
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        // Backoff, not immediate retries: the configured intervals add up to at least 4.6 s and grow.
        Assert.True(times[^1] - times[0] >= TimeSpan.FromSeconds(4), $"attempts spread over {times[^1] - times[0]}");
        Assert.True(gaps[^1] > gaps[0], $"the last wait ({gaps[^1]}) is longer than the first ({gaps[0]})");

        var message = Assert.Single(dead!);
        Assert.Equal(messageId.ToString(), message.GetProperty("properties").GetProperty("message_id").GetString());
        Assert.Contains(widget.ToString(), message.GetProperty("payload").GetString(), StringComparison.Ordinal);
        var headers = message.GetProperty("properties").GetProperty("headers");
        Assert.Equal(AlwaysFailingConsumer.Failure, headers.GetProperty("MT-Fault-Message").GetString());
        Assert.Equal(ConfiguredRetries, headers.GetProperty("MT-Fault-RetryCount").GetInt32());

        // The message left the consumer's own queue (poison messages do not block it), and no attempt follows.
        var own = await PeekAsync(harness, "retry-always-failing");
        Assert.NotNull(own);
        Assert.Empty(own);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1 + ConfiguredRetries, harness.Attempts.CountOf(widget));
    }

    [Theory]
    [InlineData(FailurePoint.BeforeTheCommit)]
    [InlineData(FailurePoint.AfterTheCommit)]
    public async Task A_consumer_that_fails_once_then_succeeds_has_its_effect_once(FailurePoint point)
    {
        await using var harness = await MessagingHarness.CreateAsync();
        await harness.StartHostAsync("flaky", bus => bus.AddConsumer<FailingOnceConsumer>(), services => services.AddSingleton(new FailOnce(point)));
        var widget = await harness.CreateWidgetAsync("flaky");

        await Eventually.UntilAsync(() => harness.Attempts.Finished.Contains(widget), because: "the retry succeeds");

        Assert.Equal(2, harness.Attempts.CountOf(widget));
        Assert.Equal(1, await harness.EffectCountAsync(widget));
        Assert.NotNull(await PeekAsync(harness, "flaky-failing-once")); // the consumer's queue, so the error queue's name is right
        Assert.Empty(await PeekAsync(harness, "flaky-failing-once_error") ?? []);
    }

    /// <summary>
    /// The messages in <paramref name="queue"/> of the harness's vhost, read through the management API and put back;
    /// null when the queue does not exist (MassTransit creates an error queue on its first fault).
    /// </summary>
    private static async Task<List<JsonElement>?> PeekAsync(MessagingHarness harness, string queue)
    {
        var infra = await TestInfrastructure.GetAsync();
        using var http = infra.ManagementClient();
        var vhost = Uri.EscapeDataString(harness.Broker.AbsolutePath.TrimStart('/'));
        using var response = await http.PostAsJsonAsync(new Uri($"api/queues/{vhost}/{Uri.EscapeDataString(queue)}/get", UriKind.Relative),
            new { count = 10, ackmode = "ack_requeue_true", encoding = "auto" });
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
    }
}
