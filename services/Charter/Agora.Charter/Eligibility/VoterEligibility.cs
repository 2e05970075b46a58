using Agora.Contracts.Registry.V1;
using Agora.ServiceDefaults;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Agora.Charter.Eligibility;

/// <summary>The registry's answer on whether a participant may take part in the charter's formal decisions.</summary>
public enum EligibilityAnswer
{
    Eligible,

    /// <summary>Not approved (pending vetting, rejected, erased) or unknown to the registry.</summary>
    NotEligible,

    /// <summary>Active, but adhered to an older version of the founding call than the current one: must adhere again.</summary>
    FoundingCallOutdated,

    RegistryUnavailable,
}

/// <summary>
/// Asked before a ballot on the charter's adoption or a vote on an amendment is stored: only approved participants who
/// adhered to the current founding call decide. Statement votes do not ask (open to every signed-in participant, as in
/// Pol.is). The interface is the seam the tests' fake replaces.
/// </summary>
public interface IVoterEligibility
{
    Task<EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct);

    /// <summary>
    /// The registry's count of eligible participants — adhered to <paramref name="minFoundingCallVersion"/> or later, or to the
    /// current version when 0 — and the current version; null when the registry cannot say (unreachable, failing, past the
    /// deadline, or too old to know the question).
    /// </summary>
    Task<(int Eligible, int CurrentFoundingCallVersion)?> CountEligibleAsync(int minFoundingCallVersion, CancellationToken ct);
}

/// <summary>
/// <c>agora.registry.v1.Participants/GetParticipant</c> over gRPC (<c>Charter:RegistryGrpc</c>), judged by the rule
/// workshops' registrations use too (<see cref="ParticipantReply.IsActive"/>,
/// <see cref="ParticipantReply.AdheresToCurrentFoundingCall"/>). Nothing is cached: a participant casts a ballot once.
/// </summary>
public sealed class GrpcVoterEligibility(Participants.ParticipantsClient client, IConfiguration configuration,
    ILogger<GrpcVoterEligibility> logger) : IVoterEligibility
{
    /// <summary>
    /// <c>Charter:RegistryTimeout</c>, 5 seconds by default: past it the registry counts as unavailable (a cast answers 503,
    /// a ballot's close falls back to the profile count).
    /// </summary>
    private TimeSpan Timeout => configuration.GetValue<TimeSpan?>("Charter:RegistryTimeout") ?? TimeSpan.FromSeconds(5);

    /// <summary>gRPC measures a deadline against the machine's clock, never an injected one: so is it taken here.</summary>
    private DateTime Deadline => DateTime.UtcNow + Timeout;

    public async Task<EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct)
    {
        try
        {
            var reply = await client.GetParticipantAsync(new GetParticipantRequest { ParticipantId = participantId.ToString() },
                deadline: Deadline, cancellationToken: ct);
            if (!reply.IsActive)
            {
                return EligibilityAnswer.NotEligible;
            }
            return reply.AdheresToCurrentFoundingCall ? EligibilityAnswer.Eligible : EligibilityAnswer.FoundingCallOutdated;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return EligibilityAnswer.NotEligible;
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Registry eligibility check failed with {StatusCode}", e.StatusCode);
            return EligibilityAnswer.RegistryUnavailable;
        }
    }

    /// <summary><c>agora.registry.v1.Participants/CountEligible</c>, under the same deadline as a cast's check.</summary>
    public async Task<(int Eligible, int CurrentFoundingCallVersion)?> CountEligibleAsync(int minFoundingCallVersion, CancellationToken ct)
    {
        try
        {
            var reply = await client.CountEligibleAsync(new CountEligibleRequest { MinFoundingCallVersion = minFoundingCallVersion },
                deadline: Deadline, cancellationToken: ct);
            return (reply.Eligible, reply.CurrentFoundingCallVersion);
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Registry eligible count failed with {StatusCode}: a ballot opened now counts against the version current at its close, one closed now counts its profiles as electorate", e.StatusCode);
            return null;
        }
    }
}

public static class EligibilityProblems
{
    /// <summary>The problem a refusal answers with (403, or 503 when the registry cannot say); null when eligible.</summary>
    public static ProblemHttpResult? Refusal(this EligibilityAnswer answer) => answer switch
    {
        EligibilityAnswer.Eligible => null,
        EligibilityAnswer.RegistryUnavailable => Problems.Of(StatusCodes.Status503ServiceUnavailable, "registry-unavailable",
            "Eligibility cannot be checked right now; try again shortly."),
        EligibilityAnswer.FoundingCallOutdated => Problems.Of(StatusCodes.Status403Forbidden, "founding-call-adherence-outdated",
            "A new version of the founding call was published since you adhered to it.",
            "Adhere to the current version of the founding call (POST /api/registry/me/adherence), then vote again."),
        _ => Problems.Of(StatusCodes.Status403Forbidden, "not-eligible",
            "Only approved participants who adhered to the current founding call can vote on the charter."),
    };
}
