using Agora.Workshops.Eligibility;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Workshops.Tests.Eligibility;

public sealed class EligibilityCacheTests
{
    private sealed class CountingRegistry : IParticipantEligibility
    {
        public Dictionary<Guid, EligibilityAnswer> Answers { get; } = [];

        public int Calls { get; private set; }

        public Task<EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct)
        {
            Calls++;
            return Task.FromResult(Answers.GetValueOrDefault(participantId, EligibilityAnswer.Unknown));
        }
    }

    private static EligibilityCache Cache(FakeTimeProvider clock, string? ttl = null) =>
        new(clock, new ConfigurationBuilder().AddInMemoryCollection(ttl is null ? [] : [new("Workshops:EligibilityCacheTtl", ttl)]).Build());

    [Fact]
    public async Task Eligible_is_remembered_until_the_ttl_runs_out_then_asked_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var registry = new CountingRegistry();
        var me = Guid.NewGuid();
        registry.Answers[me] = EligibilityAnswer.Eligible;
        var cache = Cache(clock, "00:00:30");
        var eligibility = new CachedParticipantEligibility(registry, cache);

        Assert.Equal(EligibilityAnswer.Eligible, await eligibility.CheckAsync(me, default));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(EligibilityAnswer.Eligible, await eligibility.CheckAsync(me, default));
        Assert.Equal(1, registry.Calls);

        // Suspended meanwhile: once the remembered answer expires, the registry's new answer counts.
        registry.Answers[me] = EligibilityAnswer.NotEligible;
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(EligibilityAnswer.NotEligible, await eligibility.CheckAsync(me, default));
        Assert.Equal(EligibilityAnswer.NotEligible, await eligibility.CheckAsync(me, default));
        Assert.Equal(3, registry.Calls);
    }

    [Fact]
    public async Task Refusals_and_outages_are_not_remembered_erasure_forgets_and_a_zero_ttl_turns_it_off()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var registry = new CountingRegistry();
        var (pending, down, erased) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        registry.Answers[pending] = EligibilityAnswer.NotEligible;
        registry.Answers[down] = EligibilityAnswer.RegistryUnavailable;
        registry.Answers[erased] = EligibilityAnswer.Eligible;
        var cache = Cache(clock);
        var eligibility = new CachedParticipantEligibility(registry, cache);

        await eligibility.CheckAsync(pending, default);
        await eligibility.CheckAsync(pending, default);
        await eligibility.CheckAsync(down, default);
        await eligibility.CheckAsync(down, default);
        Assert.Equal(4, registry.Calls);
        Assert.Equal(TimeSpan.FromMinutes(1), cache.Ttl);

        await eligibility.CheckAsync(erased, default);
        Assert.True(cache.IsKnownEligible(erased));
        cache.Forget(erased);
        Assert.False(cache.IsKnownEligible(erased));

        var off = new CachedParticipantEligibility(registry, Cache(clock, "00:00:00"));
        await off.CheckAsync(erased, default);
        await off.CheckAsync(erased, default);
        Assert.Equal(7, registry.Calls);
    }
}
