using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Registry.Data;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Agora.Registry.Participants;

/// <summary>
/// Erasure: the personal data goes (names, contact details, demographic answers, password,
/// memberships, declined invitations, tokens, the reasons written in vetting decisions about them); a tombstone keeps the id and kind so that
/// every service can be told (<see cref="ParticipantErased"/>) and the contact look-up answers "erased". The person's access
/// tokens are refused from then on (<see cref="ErasedParticipants"/>): at once by this replica, within the refresh interval
/// by the others.
/// </summary>
public static class Erasure
{
    public static async Task<Results<NoContent, ProblemHttpResult>> EraseAsync(RegistryDbContext db, ErasedParticipants erased, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var p = await db.Participants.FirstOrDefaultAsync(p => p.Id == id, ct);
            if (p is null || p.Status == ParticipantStatus.Erased)
            {
                return (Results<NoContent, ProblemHttpResult>)Problems.NotFound("participant");
            }
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var subject = id.ToString();
            await db.Memberships.Where(m => m.IndividualId == id || m.OrganizationId == id).ExecuteDeleteAsync(ct);
            await db.DeclinedInvitations.Where(d => d.IndividualId == id || d.OrganizationId == id).ExecuteDeleteAsync(ct);
            // Steering's written reasons about them go; the decisions themselves stay, as the audit of who was let in and how.
            await db.VettingDecisions.Where(v => v.ParticipantId == id && v.Reason != null)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.Reason, (string?)null), ct);
            await db.Set<OpenIddictEntityFrameworkCoreToken>().Where(t => t.Subject == subject).ExecuteDeleteAsync(ct);
            await db.Set<OpenIddictEntityFrameworkCoreAuthorization>().Where(a => a.Subject == subject).ExecuteDeleteAsync(ct);
            p.Erase(now);
            db.AddEvent(new ParticipantErased(id, now), now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            erased.Add(id);
            return TypedResults.NoContent();
        });
    }
}
