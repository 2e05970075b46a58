namespace Agora.Contracts.Notifications;

/// <summary>
/// A steering announcement to one segment, fanned out through the bus: one of these per batch of
/// recipients. Texts are per language (ar, fr, en).
/// </summary>
/// <param name="Segment">everyone | workshop:&lt;id&gt; | governorate:&lt;code&gt; | kind:&lt;kind&gt;</param>
public sealed record AnnouncementBatchRequested(
    Guid AnnouncementId,
    string Segment,
    IReadOnlyList<Guid> Recipients,
    IReadOnlyDictionary<string, string> Titles,
    IReadOnlyDictionary<string, string> Bodies,
    DateTimeOffset RequestedAt);
