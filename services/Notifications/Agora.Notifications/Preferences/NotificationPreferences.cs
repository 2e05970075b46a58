using Agora.Notifications.Templates;

namespace Agora.Notifications.Preferences;

/// <summary>A participant's own choices: channels per category, language, quiet hours, daily digest.</summary>
public sealed class NotificationPreferences
{
    public Guid ParticipantId { get; init; }
    /// <summary>Overrides the registry's preferred language when set.</summary>
    public string? Language { get; set; }
    /// <summary>Channels per category; a category not listed uses <see cref="DefaultChannels"/>.</summary>
    public Dictionary<string, string[]> Channels { get; set; } = [];
    /// <summary>Quiet hours in Africa/Tunis local time; messages in them wait until they end.</summary>
    public TimeOnly? QuietFrom { get; set; }
    public TimeOnly? QuietTo { get; set; }
    /// <summary>Email and SMS are held and sent once a day, as one email, at <see cref="DigestAt"/> (Tunis time).</summary>
    public bool Digest { get; set; }
    public TimeOnly DigestAt { get; set; } = new(18, 0);
    public DateTimeOffset UpdatedAt { get; set; }

    public static IReadOnlyList<string> DefaultChannels(string category) => category switch
    {
        Categories.Announcements or Categories.Account or Categories.Workshops or Categories.Charter or Categories.Actions
            => [Deliveries.ChannelNames.InApp, Deliveries.ChannelNames.Email],
        _ => [Deliveries.ChannelNames.Email],
    };

    public static IReadOnlyList<string> ChannelsFor(NotificationPreferences? preferences, string category) =>
        preferences is not null && preferences.Channels.TryGetValue(category, out var chosen) ? chosen : DefaultChannels(category);

    /// <summary>When a message for an external channel may go out: now, or when the quiet hours around now end.</summary>
    public static DateTimeOffset NotBefore(NotificationPreferences? preferences, DateTimeOffset now)
    {
        if (preferences is not { QuietFrom: { } from, QuietTo: { } to } || from == to)
        {
            return now;
        }
        var local = TimeZoneInfo.ConvertTime(now, TemplateCatalogue.Tunis);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inQuiet = from < to ? time >= from && time < to : time >= from || time < to;
        if (!inQuiet)
        {
            return now;
        }
        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (from > to && time >= from)
        {
            endDate = endDate.AddDays(1);
        }
        return ToUtc(endDate, to);
    }

    /// <summary>The next digest time after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextDigest(NotificationPreferences preferences, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TemplateCatalogue.Tunis);
        var date = DateOnly.FromDateTime(local.DateTime);
        var at = ToUtc(date, preferences.DigestAt);
        return at > now ? at : ToUtc(date.AddDays(1), preferences.DigestAt);
    }

    private static DateTimeOffset ToUtc(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, TemplateCatalogue.Tunis.GetUtcOffset(local)).ToUniversalTime();
    }
}
