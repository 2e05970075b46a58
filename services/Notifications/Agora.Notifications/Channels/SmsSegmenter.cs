using System.Text;

namespace Agora.Notifications.Channels;

/// <summary>An SMS split for sending: its encoding and the text of each part.</summary>
public sealed record SmsSegments(string Encoding, IReadOnlyList<string> Parts)
{
    public const string Gsm7 = "gsm7";
    public const string Ucs2 = "ucs2";
}

/// <summary>
/// Picks the encoding of an SMS and splits it into parts: GSM-7 (GSM 03.38 basic set, extension
/// characters counting as two septets) holds 160 septets alone or 153 per part of a long message;
/// anything else (Arabic) is UCS-2, 70 UTF-16 units alone or 67 per part. A character is never cut
/// across parts (neither an escape sequence nor a surrogate pair).
/// </summary>
public static class SmsSegmenter
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "\f^{}\\[~]|€";

    public static bool IsGsm7(string text) => text.All(c => Basic.Contains(c, StringComparison.Ordinal) || Extension.Contains(c, StringComparison.Ordinal));

    /// <summary>Septets a GSM-7 text takes (extension characters count two).</summary>
    public static int Septets(string text) => text.Sum(c => Extension.Contains(c, StringComparison.Ordinal) ? 2 : 1);

    public static SmsSegments Segment(string text)
    {
        if (IsGsm7(text))
        {
            return Septets(text) <= 160
                ? new SmsSegments(SmsSegments.Gsm7, [text])
                : new SmsSegments(SmsSegments.Gsm7, Split(text, 153, c => Extension.Contains(c[0], StringComparison.Ordinal) ? 2 : 1));
        }
        return text.Length <= 70
            ? new SmsSegments(SmsSegments.Ucs2, [text])
            : new SmsSegments(SmsSegments.Ucs2, Split(text, 67, c => c.Length));
    }

    private static List<string> Split(string text, int capacity, Func<string, int> cost)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var unit = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                ? text.Substring(i++, 2)
                : text[i].ToString();
            var size = cost(unit);
            if (used + size > capacity)
            {
                parts.Add(current.ToString());
                current.Clear();
                used = 0;
            }
            current.Append(unit);
            used += size;
        }
        if (current.Length > 0)
        {
            parts.Add(current.ToString());
        }
        return parts;
    }
}
