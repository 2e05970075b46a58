using System.Security.Claims;
using Agora.ServiceDefaults;
using Agora.Workshops.Data;
using Agora.Workshops.Programme;
using Agora.Workshops.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Common;

/// <summary>Object-level checks shared by the features.</summary>
public static class Access
{
    /// <summary>403 for a signed-in caller whose token names no participant (a partner's client token, say).</summary>
    public static ProblemHttpResult NoParticipant() =>
        Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "The token names no participant.");

    /// <summary>Registered (confirmed or waitlisted) for any session of the workshop.</summary>
    public static Task<bool> IsRegistrantAsync(WorkshopsDbContext db, Guid workshopId, Guid? participantId, CancellationToken ct) =>
        participantId is null
            ? Task.FromResult(false)
            : db.Registrations.AnyAsync(r => r.WorkshopId == workshopId && r.ParticipantId == participantId && r.Status != RegistrationStatus.Cancelled, ct);

    /// <summary>A registrant, a facilitator or rapporteur of the workshop, or steering.</summary>
    public static async Task<bool> IsMemberAsync(WorkshopsDbContext db, Workshop workshop, ClaimsPrincipal user, CancellationToken ct)
    {
        if (workshop.IsManagedBy(user) || workshop.IsReportedBy(user))
        {
            return true;
        }
        return await IsRegistrantAsync(db, workshop.Id, user.ParticipantId(), ct);
    }
}
