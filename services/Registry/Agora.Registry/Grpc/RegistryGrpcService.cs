using Agora.Contracts.Registry.V1;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Grpc;

public sealed class RegistryGrpcService(RegistryDbContext db) : Contracts.Registry.V1.Participants.ParticipantsBase
{
    /// <summary>
    /// On the workshops' registration path: one query reads only the fields the reply needs, with the
    /// current founding call version as a scalar subquery.
    /// </summary>
    public override async Task<ParticipantReply> GetParticipant(GetParticipantRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.ParticipantId, out var id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "participant_id must be a UUID."));
        }
        var p = await db.Participants.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new
            {
                p.Kind,
                p.Status,
                p.PreferredLanguage,
                p.FoundingCallVersion,
                CurrentFoundingCallVersion = db.FoundingCallVersions.Max(v => (int?)v.Version),
            })
            .FirstOrDefaultAsync(context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "No such participant."));
        return new ParticipantReply
        {
            ParticipantId = id.ToString(),
            Kind = Participant.KindName(p.Kind),
            Status = Participant.Lower(p.Status),
            PreferredLanguage = p.PreferredLanguage,
            FoundingCallVersion = p.FoundingCallVersion ?? 0,
            CurrentFoundingCallVersion = p.CurrentFoundingCallVersion ?? 0,
        };
    }
}
