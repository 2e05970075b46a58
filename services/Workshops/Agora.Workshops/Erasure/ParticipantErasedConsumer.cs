using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Workshops.Data;
using Agora.Workshops.Eligibility;
using Agora.Workshops.OpenSpace;
using Agora.Workshops.Registrations;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Erasure;

/// <summary>
/// Removes or anonymizes what this service holds on an erased participant: the profile read model
/// and the calendar feed (its URL stops working) are deleted, and a tombstone
/// (<see cref="ErasedParticipant"/>) keeps a new feed from being made with a token still valid; registrations for sessions yet to start are cancelled as the person would cancel
/// them (a freed seat goes to the waitlist, under the session's lock), and every registration,
/// past ones keeping their place in the statistics, is kept under a random id; posts lose their
/// body and author, and the reasons of reports they made or others made about their posts go; unvalidated contributions are deleted, validated ones lose their author; the
/// person leaves facilitator and rapporteur lists. Once per message, through the inbox, in one
/// transaction. Once committed, the person's access tokens are refused by this process at once (the other replicas
/// read the tombstone within <c>Agora:Auth:ErasedRefresh</c>, see <see cref="ErasedParticipants"/>).
/// </summary>
public sealed class ParticipantErasedConsumer(WorkshopsDbContext db, EligibilityCache eligibility, ErasedParticipants erased, TimeProvider time)
    : IConsumer<ParticipantErased>
{
    public async Task Consume(ConsumeContext<ParticipantErased> context)
    {
        eligibility.Forget(context.Message.ParticipantId);
        await db.ConsumeOnceAsync(context, nameof(ParticipantErasedConsumer), ct => EraseAsync(db, context.Message.ParticipantId, time.GetUtcNow(), ct), time);
        erased.Add(context.Message.ParticipantId);
    }

    internal static async Task EraseAsync(WorkshopsDbContext db, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync(ErasedParticipant.LockSql(id), ct);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO erased_participants (participant_id, erased_at) VALUES ({id}, {now}) ON CONFLICT (participant_id) DO NOTHING", ct);
        await db.Profiles.Where(p => p.ParticipantId == id).ExecuteDeleteAsync(ct);
        await db.CalendarFeeds.Where(f => f.ParticipantId == id).ExecuteDeleteAsync(ct);
        var upcoming = await (
            from r in db.Registrations
            join s in db.Sessions on r.SessionId equals s.Id
            where r.ParticipantId == id && r.Status != RegistrationStatus.Cancelled && s.StartsAt > now
            select s.Id).Distinct().ToListAsync(ct);
        foreach (var sessionId in upcoming.Order())
        {
            // Read again under the lock, as a cancellation does: the seat counts cannot change underneath.
            var session = (await SeatAllocator.LockSessionAsync(db, sessionId, ct))!;
            var live = await db.Registrations.FirstOrDefaultAsync(
                r => r.SessionId == sessionId && r.ParticipantId == id && r.Status != RegistrationStatus.Cancelled, ct);
            if (live is not null && session.StartsAt > now)
            {
                await SeatAllocator.CancelAsync(db, session, live, now, ct);
            }
        }
        var registrations = await db.Registrations.Where(r => r.ParticipantId == id).ToListAsync(ct);
        foreach (var r in registrations)
        {
            r.ParticipantId = Guid.NewGuid();
            r.CheckInCode = Agora.Workshops.CheckIn.CheckInCode.New();
        }
        // Their words go with them: the reasons they gave when reporting, and every reason given about their own posts,
        // which may quote what the posts said. A facilitator's reason for hiding someone else's post stays, as moderation's record.
        await db.PostEvents.Where(e => (e.ActorId == id && e.Action == PostAction.Reported) || db.Posts.Any(p => p.Id == e.PostId && p.AuthorId == id))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Reason, (string?)null), ct);
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
