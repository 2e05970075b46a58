using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Workshops.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Profiles;

/// <summary>Keeps the local read model of consented constituency attributes; an older event never overwrites a newer one.</summary>
public sealed class ParticipantProfileChangedConsumer(WorkshopsDbContext db, TimeProvider time) : IConsumer<ParticipantProfileChanged>
{
    public Task Consume(ConsumeContext<ParticipantProfileChanged> context) =>
        db.ConsumeOnceAsync(context, nameof(ParticipantProfileChangedConsumer), ct => ApplyAsync(db, context.Message, ct), time);

    internal static async Task ApplyAsync(WorkshopsDbContext db, ParticipantProfileChanged m, CancellationToken ct)
    {
        var profile = await db.Profiles.FirstOrDefaultAsync(p => p.ParticipantId == m.ParticipantId, ct);
        if (profile is null)
        {
            profile = new ParticipantProfile { ParticipantId = m.ParticipantId, Kind = m.Kind };
            db.Profiles.Add(profile);
        }
        else if (profile.ChangedAt > m.ChangedAt)
        {
            return;
        }
        profile.Kind = Limit(m.Kind, 20) ?? "individual";
        profile.Governorate = Limit(m.Constituency?.Governorate, 50);
        profile.Gender = Limit(m.Constituency?.Gender, 20);
        profile.AgeBand = Limit(m.Constituency?.AgeBand, 20);
        profile.Occupation = Limit(m.Constituency?.Occupation, 50);
        profile.ChangedAt = m.ChangedAt;
    }

    private static string? Limit(string? s, int max) =>
        string.IsNullOrWhiteSpace(s) ? null : s.Trim().ToLowerInvariant() is var v && v.Length > max ? v[..max] : s.Trim().ToLowerInvariant();
}
