using Agora.Contracts.Registry.V1;
using Grpc.Core;

namespace Agora.Workshops.Eligibility;

public enum EligibilityAnswer
{
    Eligible,
    NotEligible,
    Unknown,
    RegistryUnavailable,

    /// <summary>Active, but adhered to an older version of the founding call than the current one: must adhere again.</summary>
    FoundingCallOutdated,
}

/// <summary>Asks the registry whether a participant may register (approved and adhered to the current founding call).</summary>
public interface IParticipantEligibility
{
    Task<EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct);
}

/// <summary>
/// The production path: <c>agora.registry.v1.Participants/GetParticipant</c> over gRPC, judged by the rule
/// shared with the charter (<see cref="ParticipantReply.IsActive"/>, <see cref="ParticipantReply.AdheresToCurrentFoundingCall"/>):
/// active and adhered to the registry's current founding call is eligible; active but adhered to an older
/// version is <see cref="EligibilityAnswer.FoundingCallOutdated"/>.
/// </summary>
public sealed class GrpcParticipantEligibility(Participants.ParticipantsClient client, IConfiguration configuration,
    ILogger<GrpcParticipantEligibility> logger) : IParticipantEligibility
{
    /// <summary><c>Workshops:RegistryTimeout</c>, 5 seconds by default: past it the registry counts as unavailable (503).</summary>
    private TimeSpan Timeout => configuration.GetValue<TimeSpan?>("Workshops:RegistryTimeout") ?? TimeSpan.FromSeconds(5);

    public async Task<EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct)
    {
        try
        {
            var reply = await client.GetParticipantAsync(new GetParticipantRequest { ParticipantId = participantId.ToString() },
                deadline: DateTime.UtcNow + Timeout, cancellationToken: ct); // gRPC measures it against the machine's clock
            if (!reply.IsActive)
            {
                return EligibilityAnswer.NotEligible;
            }
            return reply.AdheresToCurrentFoundingCall ? EligibilityAnswer.Eligible : EligibilityAnswer.FoundingCallOutdated;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return EligibilityAnswer.Unknown;
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Registry eligibility check failed with {StatusCode}", e.StatusCode);
            return EligibilityAnswer.RegistryUnavailable;
        }
    }
}
