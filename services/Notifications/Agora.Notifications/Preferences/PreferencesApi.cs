using System.Globalization;
using Agora.Notifications.Data;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Templates;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Agora.Notifications.Preferences;

/// <summary>A participant's own notification preferences (<c>/api/notifications/me/preferences</c>).</summary>
public static class PreferencesApi
{
    public static IEndpointRouteBuilder MapPreferencesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/notifications/me/preferences").RequireAuthorization(Policies.Participant);
        group.MapGet("", Get);
        group.MapPut("", Put);
        return endpoints;
    }

    /// <param name="Channels">Channels per category (inapp, email, sms); a category left out keeps the default.</param>
    /// <param name="QuietHours">Tunis local time, "HH:mm" from and to; null for none.</param>
    public sealed record PreferencesDto(string? Language, Dictionary<string, string[]>? Channels, QuietHoursDto? QuietHours, bool Digest, string? DigestAt);

    public sealed record QuietHoursDto(string From, string To);

    private static PreferencesDto ToDto(NotificationPreferences? p)
    {
        var channels = Categories.All.ToDictionary(c => c, c => NotificationPreferences.ChannelsFor(p, c).ToArray(), StringComparer.Ordinal);
        return new PreferencesDto(p?.Language, channels,
            p is { QuietFrom: { } from, QuietTo: { } to } ? new QuietHoursDto(from.ToString("HH:mm", CultureInfo.InvariantCulture), to.ToString("HH:mm", CultureInfo.InvariantCulture)) : null,
            p?.Digest ?? false, (p?.DigestAt ?? new TimeOnly(18, 0)).ToString("HH:mm", CultureInfo.InvariantCulture));
    }

    internal static async Task<Results<Ok<PreferencesDto>, ProblemHttpResult>> Get(HttpContext http, NotificationsDbContext db, CancellationToken ct)
    {
        if (http.User.ParticipantId() is not { } me)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only a participant has preferences.");
        }
        return TypedResults.Ok(ToDto(await db.Preferences.FindAsync([me], ct)));
    }

    internal static async Task<Results<Ok<PreferencesDto>, ValidationProblem, ProblemHttpResult>> Put(PreferencesDto body, HttpContext http,
        NotificationsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (http.User.ParticipantId() is not { } me)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only a participant has preferences.");
        }
        var errors = new FieldErrors();
        if (body.Language is not null && !Languages.IsSupported(body.Language))
        {
            errors.Add("language", "Use ar, fr or en (or null to follow the registry).");
        }
        var channels = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (category, chosen) in body.Channels ?? [])
        {
            if (!Categories.All.Contains(category, StringComparer.Ordinal))
            {
                errors.Add($"channels.{category}", $"Unknown category; use one of {string.Join(", ", Categories.All)}.");
                continue;
            }
            if (chosen is null || chosen.Any(c => !ChannelNames.All.Contains(c, StringComparer.Ordinal)))
            {
                errors.Add($"channels.{category}", $"Use channels among {string.Join(", ", ChannelNames.All)}.");
                continue;
            }
            channels[category] = chosen.Distinct(StringComparer.Ordinal).ToArray();
        }
        TimeOnly? from = null, to = null;
        if (body.QuietHours is { } quiet)
        {
            from = ParseTime(quiet.From, "quietHours.from", errors);
            to = ParseTime(quiet.To, "quietHours.to", errors);
            if (from is not null && from == to)
            {
                errors.Add("quietHours", "Quiet hours need a different start and end.");
            }
        }
        var digestAt = body.DigestAt is null ? new TimeOnly(18, 0) : ParseTime(body.DigestAt, "digestAt", errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var row = await db.Preferences.FindAsync([me], ct);
        if (row is null)
        {
            row = new NotificationPreferences { ParticipantId = me };
            db.Preferences.Add(row);
        }
        row.Language = body.Language;
        row.Channels = channels;
        row.QuietFrom = from;
        row.QuietTo = to;
        row.Digest = body.Digest;
        row.DigestAt = digestAt ?? new TimeOnly(18, 0);
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(row));
    }

    private static TimeOnly? ParseTime(string? value, string field, FieldErrors errors)
    {
        if (value is not null && TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            return t;
        }
        errors.Add(field, "Use a time as HH:mm (Tunis local time).");
        return null;
    }
}
