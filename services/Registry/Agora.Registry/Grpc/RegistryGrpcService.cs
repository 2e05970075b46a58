using Agora.Contracts.Registry.V1;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Grpc;

public sealed class RegistryGrpcService(RegistryDbContext db) : Contracts.Registry.V1.Participants.ParticipantsBase
{
    public override async Task<ParticipantReply> GetParticipant(GetParticipantRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.ParticipantId, out var id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "participant_id must be a UUID."));
        }
        var p = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "No such participant."));
        return new ParticipantReply
        {
            ParticipantId = p.Id.ToString(),
            Kind = Participant.KindName(p.Kind),
            Status = p.Status.ToString().ToLowerInvariant(),
            PreferredLanguage = p.PreferredLanguage,
        };
    }
}
