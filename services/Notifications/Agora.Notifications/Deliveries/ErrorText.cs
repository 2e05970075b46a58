using System.Text.RegularExpressions;
using Agora.ServiceDefaults;

namespace Agora.Notifications.Deliveries;

/// <summary>
/// Delivery errors are stored and shown to steering: servers often echo the address they refused,
/// so anything that looks like an email address or a phone number is blanked out first.
/// </summary>
public static partial class ErrorText
{
    public static string Clean(string text, int max = 500)
    {
        var clean = PhoneLike().Replace(EmailLike().Replace(text, "[address]"), "[number]");
        return FreeText.Truncate(clean, max);
    }

    [GeneratedRegex(@"[^\s<>""'(),;:]+@[^\s<>""'(),;:]+")]
    private static partial Regex EmailLike();

    [GeneratedRegex(@"\+?[0-9][0-9 .\-]{6,}[0-9]")]
    private static partial Regex PhoneLike();
}
