using System.Collections.Concurrent;

namespace Agora.Workshops.Eligibility;

/// <summary>
/// Remembers, for a short time (<c>Workshops:EligibilityCacheTtl</c>, one minute by default; zero turns
/// it off), that the registry said a participant is eligible, so someone registering for several
/// sessions in a row costs one gRPC round trip, not one per session. Only "eligible" is remembered:
/// a refusal, an outdated adherence to the founding call or an unreachable registry is asked again
/// next time, so a newly approved (or re-adhered) participant never waits. The other way round, a
/// newly published version of the founding call takes effect within the TTL for those remembered
/// eligible. An erased participant is forgotten at once. Bounded: past
/// <see cref="MaxEntries"/> entries the oldest-looking half is dropped.
/// </summary>
public sealed class EligibilityCache(TimeProvider time, IConfiguration configuration)
{
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> eligibleUntil = new();

    public TimeSpan Ttl { get; } = configuration.GetValue<TimeSpan?>("Workshops:EligibilityCacheTtl") ?? TimeSpan.FromMinutes(1);

    public bool IsKnownEligible(Guid participantId)
    {
        if (!eligibleUntil.TryGetValue(participantId, out var until))
        {
            return false;
        }
        if (until > time.GetUtcNow())
        {
            return true;
        }
        eligibleUntil.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(participantId, until));
        return false;
    }

    public void RememberEligible(Guid participantId)
    {
        if (Ttl <= TimeSpan.Zero)
        {
            return;
        }
        var now = time.GetUtcNow();
        if (eligibleUntil.Count >= MaxEntries)
        {
            var cutoff = now + Ttl / 2;
            foreach (var (id, until) in eligibleUntil)
            {
                if (until <= cutoff)
                {
                    eligibleUntil.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(id, until));
                }
            }
        }
        eligibleUntil[participantId] = now + Ttl;
    }

    public void Forget(Guid participantId) => eligibleUntil.TryRemove(participantId, out _);
}

/// <summary>The registry's answer through <see cref="EligibilityCache"/>: a remembered "eligible" skips the gRPC call.</summary>
public sealed class CachedParticipantEligibility(IParticipantEligibility registry, EligibilityCache cache) : IParticipantEligibility
{
    public async Task<EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct)
    {
        if (cache.IsKnownEligible(participantId))
        {
            return EligibilityAnswer.Eligible;
        }
        var answer = await registry.CheckAsync(participantId, ct);
        if (answer == EligibilityAnswer.Eligible)
        {
            cache.RememberEligible(participantId);
        }
        return answer;
    }
}
