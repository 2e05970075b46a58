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

    /// <summary>
    /// The charter's electorate at a ballot's close: participants active and adhered to the current founding call version
    /// (<see cref="ParticipantReply.IsActive"/>, <see cref="ParticipantReply.AdheresToCurrentFoundingCall"/>), counted by one
    /// query (the latest version row, with the count as a correlated subquery).
    /// </summary>
    public override async Task<CountEligibleReply> CountEligible(CountEligibleRequest request, ServerCallContext context)
    {
        var min = request.MinFoundingCallVersion;
        var current = await db.FoundingCallVersions.AsNoTracking().OrderByDescending(v => v.Version)
            .Select(v => new
            {
                v.Version,
                Eligible = db.Participants.Count(p => p.Status == ParticipantStatus.Active && p.FoundingCallVersion >= (min > 0 ? min : v.Version)),
            })
            .FirstOrDefaultAsync(context.CancellationToken);
        // Version 1 is seeded by the migrations; without any version, status alone decides, as ParticipantReply's rule says.
        return current is null
            ? new CountEligibleReply { Eligible = await db.Participants.CountAsync(p => p.Status == ParticipantStatus.Active, context.CancellationToken) }
            : new CountEligibleReply { Eligible = current.Eligible, CurrentFoundingCallVersion = current.Version };
    }
}
