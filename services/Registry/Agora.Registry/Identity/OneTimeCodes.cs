using System.Globalization;
using System.Security.Cryptography;
using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.Registry.Privacy;

namespace Agora.Registry.Identity;

public enum CodeCheck
{
    Valid,
    Invalid,
    Expired,
    TooManyAttempts,
}

/// <summary>
/// Six-digit one-time codes (email verification, sign-in): only a keyed hash is stored, they
/// expire, and five wrong tries burn them. Delivery goes through the outbox
/// (<see cref="OneTimeCodeIssued"/>); the code is never logged.
/// </summary>
public sealed class OneTimeCodes(PersonalDataProtector protector)
{
    public const string VerifyEmail = "verify-email";
    public const string SignIn = "sign-in";
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public void Issue(RegistryDbContext db, Participant participant, string purpose, DateTimeOffset now)
    {
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        participant.CodeHash = HashOf(participant.Id, purpose, code);
        participant.CodePurpose = purpose;
        participant.CodeExpiresAt = now + Lifetime;
        participant.CodeAttempts = 0;
        db.AddEvent(new OneTimeCodeIssued(participant.Id, purpose, code, participant.PreferredLanguage, now + Lifetime), now);
    }

    /// <summary>Checks a code; a valid one is consumed, a wrong one counts as an attempt (the caller saves).</summary>
    public CodeCheck Check(Participant participant, string purpose, string? code, DateTimeOffset now)
    {
        if (participant.CodeHash is null || participant.CodePurpose != purpose)
        {
            return CodeCheck.Invalid;
        }
        if (participant.CodeExpiresAt <= now)
        {
            return CodeCheck.Expired;
        }
        if (participant.CodeAttempts >= MaxAttempts)
        {
            return CodeCheck.TooManyAttempts;
        }
        if (code is null || !CryptographicOperations.FixedTimeEquals(participant.CodeHash, HashOf(participant.Id, purpose, code.Trim())))
        {
            participant.CodeAttempts++;
            return participant.CodeAttempts >= MaxAttempts ? CodeCheck.TooManyAttempts : CodeCheck.Invalid;
        }
        participant.CodeHash = null;
        participant.CodePurpose = null;
        participant.CodeExpiresAt = null;
        participant.CodeAttempts = 0;
        return CodeCheck.Valid;
    }

    private byte[] HashOf(Guid participant, string purpose, string code) => protector.LookupHash($"code:{participant:N}:{purpose}:{code}");
}
