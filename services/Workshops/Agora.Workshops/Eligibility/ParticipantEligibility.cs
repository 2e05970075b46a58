using Agora.Contracts.Registry.V1;
using Grpc.Core;

namespace Agora.Workshops.Eligibility;

public enum EligibilityAnswer
{
    Eligible,
    NotEligible,
    Unknown,
    RegistryUnavailable,
}

/// <summary>Asks the registry whether a participant may register (approved and adhered to the current founding call).</summary>
public interface IParticipantEligibility
{
    Task<EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct);
}

/// <summary>The production path: <c>agora.registry.v1.Participants/GetParticipant</c> over gRPC; status "active" is eligible.</summary>
public sealed class GrpcParticipantEligibility(Participants.ParticipantsClient client, IConfiguration configuration, TimeProvider time,
    ILogger<GrpcParticipantEligibility> logger) : IParticipantEligibility
{
    /// <summary><c>Workshops:RegistryTimeout</c>, 5 seconds by default: past it the registry counts as unavailable (503).</summary>
    private TimeSpan Timeout => configuration.GetValue<TimeSpan?>("Workshops:RegistryTimeout") ?? TimeSpan.FromSeconds(5);

    public async Task<EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct)
    {
        try
        {
            var reply = await client.GetParticipantAsync(new GetParticipantRequest { ParticipantId = participantId.ToString() },
                deadline: time.GetUtcNow().UtcDateTime + Timeout, cancellationToken: ct);
            return string.Equals(reply.Status, "active", StringComparison.Ordinal) ? EligibilityAnswer.Eligible : EligibilityAnswer.NotEligible;
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
