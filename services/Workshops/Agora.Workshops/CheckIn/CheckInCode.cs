using System.Security.Cryptography;

namespace Agora.Workshops.CheckIn;

/// <summary>Check-in codes: 128 random bits, base32 (RFC 4648, no padding), 26 characters.</summary>
public static class CheckInCode
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base32(bytes);
    }

    /// <summary>What a QR code shows: the service, the session and the code.</summary>
    public static string QrPayload(Guid sessionId, string code) => $"agora:checkin:{sessionId:D}:{code}";

    /// <summary>Accepts a bare code or a scanned QR payload; upper-cases and trims.</summary>
    public static string Normalize(string? scanned)
    {
        var text = (scanned ?? "").Trim();
        var last = text.LastIndexOf(':');
        if (text.StartsWith("agora:checkin:", StringComparison.OrdinalIgnoreCase) && last >= 0)
        {
            text = text[(last + 1)..];
        }
        return text.ToUpperInvariant();
    }

    internal static string Base32(ReadOnlySpan<byte> data)
    {
        var chars = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        if (bits > 0)
        {
            chars[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }
        return new string(chars, 0, index);
    }
}
