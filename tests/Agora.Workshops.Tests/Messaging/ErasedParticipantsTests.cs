using Agora.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Workshops.Tests.Messaging;

/// <summary>The in-memory list of erased participants (ServiceDefaults) that every service checks tokens against.</summary>
public sealed class ErasedParticipantsTests
{
    [Fact]
    public async Task Until_a_first_read_succeeds_no_token_is_accepted_then_reads_are_incremental()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var erased = Guid.NewGuid();
        var later = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
        var reachable = false;
        var asked = new List<DateTimeOffset?>();
        IReadOnlyList<ErasedRow> rows = [new(erased, at)];
        using var list = new ErasedParticipants(services.GetRequiredService<IServiceScopeFactory>(), (_, since, _) =>
        {
            asked.Add(since);
            return reachable ? Task.FromResult(rows) : throw new InvalidOperationException("database down");
        }, NullLogger<ErasedParticipants>.Instance);

        Assert.False(await list.EnsureLoadedAsync(CancellationToken.None));
        Assert.False(list.Loaded);
        // Within a second of a failure, no new attempt: an unreachable database is not asked by every request.
        Assert.False(await list.EnsureLoadedAsync(CancellationToken.None));
        Assert.Single(asked);

        reachable = true;
        await Task.Delay(1_100);
        Assert.True(await list.EnsureLoadedAsync(CancellationToken.None));
        Assert.True(list.Contains(erased));
        Assert.False(list.Contains(later));
        Assert.Equal([null, null], asked);

        // The next read asks from the latest tombstone seen, less the overlap for one committed late.
        rows = [new(later, at.AddSeconds(1))];
        await list.RefreshAsync(CancellationToken.None);
        Assert.Equal(at - ErasedParticipants.Overlap, asked[^1]);
        Assert.True(list.Contains(later));
        Assert.True(list.Contains(erased));
    }
}
