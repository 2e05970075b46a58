using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Notifications.Data;
using Agora.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Recipients;

/// <summary>
/// Erasure: the person's messages, deliveries, preferences, reminders and read-model rows go; only a tombstone id stays, and
/// the person's access tokens are refused: by this process at once, by the other replicas within <c>Agora:Auth:ErasedRefresh</c>
/// (see <see cref="ErasedParticipants"/>).
/// </summary>
public sealed class ParticipantErasedConsumer(NotificationsDbContext db, ErasedParticipants erased, TimeProvider time, ILogger<ParticipantErasedConsumer> logger)
    : IConsumer<ParticipantErased>
{
    public async Task Consume(ConsumeContext<ParticipantErased> context)
    {
        var id = context.Message.ParticipantId;
        await db.ConsumeOnceAsync(context, nameof(ParticipantErasedConsumer), async ct =>
        {
            await db.Notifications.Where(n => n.ParticipantId == id).ExecuteDeleteAsync(ct);
            await db.Deliveries.Where(d => d.ParticipantId == id).ExecuteDeleteAsync(ct);
            await db.Preferences.Where(p => p.ParticipantId == id).ExecuteDeleteAsync(ct);
            await db.Reminders.Where(r => r.ParticipantId == id).ExecuteDeleteAsync(ct);
            await db.Registrants.Where(r => r.ParticipantId == id).ExecuteDeleteAsync(ct);
            await db.Participants.Where(p => p.ParticipantId == id).ExecuteDeleteAsync(ct);
            if (await db.Erased.FindAsync([id], ct) is null)
            {
                db.Erased.Add(new ErasedParticipant { ParticipantId = id, ErasedAt = time.GetUtcNow() });
            }
        }, time);
        erased.Add(id);
        logger.LogInformation("Participant {ParticipantId} erased from notifications", id);
    }
}
