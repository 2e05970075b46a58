using Agora.Workshops.Profiles;

namespace Agora.Workshops.Registrations;

/// <summary>Constituency keys for reserved seats, matched against the consented attributes the registry shares.</summary>
public static class Constituencies
{
    /// <summary>Tunisia's interior governorates (the regions the mosaic wants heard).</summary>
    public static readonly IReadOnlySet<string> Interior = new HashSet<string>(StringComparer.Ordinal)
    {
        "kairouan", "kasserine", "sidi-bouzid", "gafsa", "tozeur", "kebili", "tataouine", "siliana", "kef", "jendouba", "beja", "zaghouan",
    };

    private static readonly IReadOnlySet<string> Dimensions = new HashSet<string>(StringComparer.Ordinal)
    {
        "ageBand", "governorate", "region", "gender", "kind", "occupation",
    };

    /// <summary>"ageBand:18-24" → "ageBand:18-24"; null when not a known shape.</summary>
    public static string? Normalize(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }
        var parts = key.Trim().Split(':', 2);
        if (parts.Length != 2)
        {
            return null;
        }
        var dimension = Dimensions.FirstOrDefault(d => string.Equals(d, parts[0].Trim(), StringComparison.OrdinalIgnoreCase));
        var value = Value(parts[1]);
        if (dimension is null || value is null or { Length: > 60 })
        {
            return null;
        }
        if (dimension == "region" && value != "interior")
        {
            return null;
        }
        return $"{dimension}:{value}";
    }

    public static bool Matches(string key, ParticipantProfile? profile)
    {
        if (profile is null)
        {
            return false;
        }
        var parts = key.Split(':', 2);
        var value = parts[1];
        return parts[0] switch
        {
            "ageBand" => Value(profile.AgeBand) == value,
            "governorate" => Governorate(profile.Governorate) == value,
            "region" => value == "interior" && Governorate(profile.Governorate) is { } g && Interior.Contains(g),
            "gender" => Value(profile.Gender) == value,
            "kind" => Value(profile.Kind) == value,
            "occupation" => Value(profile.Occupation) == value,
            _ => false,
        };
    }

    private static string? Value(string? s) =>
        string.IsNullOrWhiteSpace(s) ? null : s.Trim().ToLowerInvariant().Replace(' ', '-').Replace('_', '-');

    private static string? Governorate(string? s) => Value(s) switch
    {
        "le-kef" => "kef",
        var v => v,
    };
}
