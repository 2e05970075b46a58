using Agora.Notifications.Data;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Announcements;

/// <summary>Who an announcement goes to: everyone | workshop:&lt;id&gt; | governorate:&lt;code&gt; | kind:&lt;kind&gt;.</summary>
public sealed record Segment(string Type, string? Value)
{
    public static readonly IReadOnlyList<string> Kinds = ["organization", "movement", "individual"];

    public static bool TryParse(string? text, out Segment segment)
    {
        segment = null!;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 100)
        {
            return false;
        }
        var parts = text.Trim().Split(':', 2);
        var type = parts[0].ToLowerInvariant();
        var value = parts.Length > 1 ? parts[1].Trim().ToLowerInvariant() : null;
        var ok = type switch
        {
            "everyone" => value is null,
            "workshop" => Guid.TryParse(value, out _),
            "governorate" => value is { Length: > 0 and <= 30 } && value.All(c => char.IsAsciiLetterLower(c) || c == '-'),
            "kind" => value is not null && Kinds.Contains(value),
            _ => false,
        };
        if (ok)
        {
            segment = new Segment(type, value);
        }
        return ok;
    }

    public override string ToString() => Value is null ? Type : $"{Type}:{Value}";

    /// <summary>The segment's participants, from the local read models (erased participants are not in them).</summary>
    public async Task<List<Guid>> ResolveAsync(NotificationsDbContext db, CancellationToken ct) => Type switch
    {
        "everyone" => await db.Participants.Select(p => p.ParticipantId).OrderBy(id => id).ToListAsync(ct),
        "workshop" => await db.Registrants.Where(r => r.WorkshopId == Guid.Parse(Value!)).Select(r => r.ParticipantId).Distinct().OrderBy(id => id).ToListAsync(ct),
        "governorate" => await db.Participants.Where(p => p.Governorate == Value).Select(p => p.ParticipantId).OrderBy(id => id).ToListAsync(ct),
        "kind" => await db.Participants.Where(p => p.Kind == Value).Select(p => p.ParticipantId).OrderBy(id => id).ToListAsync(ct),
        _ => [],
    };
}
