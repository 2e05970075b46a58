using Agora.Contracts.Registry.V1;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.Registry.Privacy;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Grpc;

/// <summary>
/// Contact details decrypted at the moment notifications sends something; only a token with the
/// scope <c>registry.contacts</c> (the <c>agora-notifications</c> client) may ask. See README.md.
/// </summary>
[Authorize(Policy = ContactsGrpcService.Policy)]
public sealed class ContactsGrpcService(RegistryDbContext db, PersonalDataProtector protector) : Contacts.ContactsBase
{
    public const string Policy = "registry.contacts";
    public const string Scope = "registry.contacts";

    public override async Task<ContactDetailsReply> GetContactDetails(GetContactDetailsRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.ParticipantId, out var id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "participant_id must be a UUID."));
        }
        var p = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "No such participant."));
        return Reply(p);
    }

    /// <summary>Up to <see cref="MaxBatch"/> participants in one query; each decrypted as <see cref="GetContactDetails"/> does.</summary>
    public override async Task<ContactDetailsBatchReply> GetContactDetailsBatch(GetContactDetailsBatchRequest request, ServerCallContext context)
    {
        if (request.ParticipantIds.Count is 0 or > MaxBatch)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"participant_ids must hold 1 to {MaxBatch} UUIDs."));
        }
        var ids = new HashSet<Guid>();
        foreach (var text in request.ParticipantIds)
        {
            if (!Guid.TryParse(text, out var id))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "participant_ids must be UUIDs."));
            }
            ids.Add(id);
        }
        var found = await db.Participants.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(context.CancellationToken);
        var reply = new ContactDetailsBatchReply();
        reply.Contacts.AddRange(found.Select(Reply));
        ids.ExceptWith(found.Select(p => p.Id));
        reply.UnknownParticipantIds.AddRange(ids.Select(id => id.ToString()));
        return reply;
    }

    public const int MaxBatch = 1000;

    private ContactDetailsReply Reply(Participant p)
    {
        var reply = new ContactDetailsReply { ParticipantId = p.Id.ToString(), PreferredLanguage = p.PreferredLanguage };
        reply.FallbackLanguages.AddRange(Participant.Languages.Where(l => l != p.PreferredLanguage));
        if (p.Status == ParticipantStatus.Erased)
        {
            reply.Erased = true;
            return reply;
        }
        reply.Email = protector.DecryptOrNull(p.EmailCipher, p.Id, Participant.EmailField) ?? "";
        reply.Phone = protector.DecryptOrNull(p.PhoneCipher, p.Id, Participant.PhoneField) ?? "";
        return reply;
    }

    /// <summary>The token carries <c>registry.contacts</c> in its (space-separated) <c>scope</c> claim.</summary>
    public static bool HasScope(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Contains(Scope, StringComparer.Ordinal);
}
