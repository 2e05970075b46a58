using Agora.Notifications.Data;

namespace Agora.Notifications.Recipients;

/// <summary>Keeps the <see cref="KnownParticipant"/> read model.</summary>
public static class ParticipantDirectory
{
    public static async Task UpsertAsync(NotificationsDbContext db, Guid participantId, string kind, string language, string? governorate,
        bool setGovernorate, DateTimeOffset now, CancellationToken ct)
    {
        var row = await db.Participants.FindAsync([participantId], ct);
        if (row is null)
        {
            db.Participants.Add(new KnownParticipant
            {
                ParticipantId = participantId,
                Kind = Trim(kind, 20),
                Language = Templates.Languages.IsSupported(language) ? language : "ar",
                Governorate = governorate is null ? null : Trim(governorate, 30),
                UpdatedAt = now,
            });
            return;
        }
        row.Kind = Trim(kind, 20);
        if (Templates.Languages.IsSupported(language))
        {
            row.Language = language;
        }
        if (setGovernorate)
        {
            row.Governorate = governorate is null ? null : Trim(governorate, 30);
        }
        row.UpdatedAt = now;
    }

    private static string Trim(string value, int max)
    {
        var v = value.Trim().ToLowerInvariant();
        return v.Length > max ? v[..max] : v;
    }
}
