using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Workshops.Data;
using Agora.Workshops.Eligibility;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Erasure;

/// <summary>
/// Removes or anonymizes what this service holds on an erased participant: the profile read model
/// is deleted; registrations keep their place in the counts under a random id; posts lose their
/// body and author; unvalidated contributions are deleted, validated ones lose their author; the
/// person leaves facilitator and rapporteur lists. Once per message, through the inbox.
/// </summary>
public sealed class ParticipantErasedConsumer(WorkshopsDbContext db, EligibilityCache eligibility, TimeProvider time) : IConsumer<ParticipantErased>
{
    public Task Consume(ConsumeContext<ParticipantErased> context)
    {
        eligibility.Forget(context.Message.ParticipantId);
        return db.ConsumeOnceAsync(context, nameof(ParticipantErasedConsumer), ct => EraseAsync(db, context.Message.ParticipantId, ct), time);
    }

    internal static async Task EraseAsync(WorkshopsDbContext db, Guid id, CancellationToken ct)
    {
        await db.Profiles.Where(p => p.ParticipantId == id).ExecuteDeleteAsync(ct);
        var registrations = await db.Registrations.Where(r => r.ParticipantId == id).ToListAsync(ct);
        foreach (var r in registrations)
        {
            r.ParticipantId = Guid.NewGuid();
            r.CheckInCode = Agora.Workshops.CheckIn.CheckInCode.New();
        }
        await db.Posts.Where(p => p.AuthorId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.AuthorId, (Guid?)null).SetProperty(p => p.Body, "").SetProperty(p => p.Erased, true), ct);
        await db.PostEvents.Where(e => e.ActorId == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ActorId, (Guid?)null), ct);
        await db.Contributions.Where(c => c.AuthorId == id && c.Status == Contributions.ContributionStatus.Submitted).ExecuteDeleteAsync(ct);
        await db.Contributions.Where(c => c.AuthorId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.AuthorId, (Guid?)null), ct);
        await db.Contributions.Where(c => c.ValidatedBy == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ValidatedBy, (Guid?)null), ct);
        await db.Minutes.Where(m => m.AuthorId == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.AuthorId, (Guid?)null), ct);
        var workshops = await db.Workshops.Where(w => w.FacilitatorIds.Contains(id) || w.RapporteurIds.Contains(id)).ToListAsync(ct);
        foreach (var w in workshops)
        {
            w.FacilitatorIds = w.FacilitatorIds.Where(x => x != id).ToList();
            w.RapporteurIds = w.RapporteurIds.Where(x => x != id).ToList();
        }
    }
}
