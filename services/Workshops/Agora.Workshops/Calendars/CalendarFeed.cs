using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Agora.Workshops.Calendars;

/// <summary>
/// A participant's private calendar subscription: phone calendar apps subscribe by URL and cannot
/// send a bearer token, so the URL carries a secret instead. One per participant; a new one replaces
/// the old (whose URL stops working), revoking or erasing the participant deletes it. Only the
/// SHA-256 of the token is stored: a copy of the database does not open anyone's feed. A 256-bit
/// random token needs no salt or slow hash — there is nothing to guess.
/// </summary>
public sealed class CalendarFeed
{
    /// <summary>Random bytes in a token: 32, written as 43 base64url characters (no padding).</summary>
    public const int TokenBytes = 32;

    public const int TokenLength = 43;

    /// <summary>The path a client appends to the gateway's base address, the token after it.</summary>
    public const string UrlPrefix = "/api/workshops/calendar.ics?feed=";

    /// <summary>The last use is written at most this often, not on every poll of a calendar app.</summary>
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromHours(1);

    public Guid ParticipantId { get; init; }

    public required byte[] TokenHash { get; init; }

    public required string Language { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[TokenBytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    /// <summary>The hash to look a presented token up by, or null when it cannot be one of ours (missing, wrong length or alphabet).</summary>
    public static byte[]? HashOfPresented(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? Hash(token) : null;
}
