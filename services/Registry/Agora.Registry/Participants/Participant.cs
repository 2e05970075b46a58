using Agora.Registry.Privacy;

namespace Agora.Registry.Participants;

public enum ParticipantKind
{
    Organization,
    Movement,
    Individual,
}

public enum ParticipantStatus
{
    /// <summary>Waiting for adherence to the founding call and/or vetting.</summary>
    Pending,
    Active,
    Rejected,
    Erased,
}

public enum VettingState
{
    Pending,

    /// <summary>An organization or movement the steering committee approved.</summary>
    Approved,
    Rejected,

    /// <summary>An individual confirmed by a verified email or a delegate's vouching.</summary>
    Confirmed,
}

/// <summary>
/// Someone registered in the agora: an organization, a movement or an individual. Contact details
/// and demographic answers are only ever held encrypted (<see cref="PersonalDataProtector"/>).
/// </summary>
public sealed class Participant
{
    public const int DisplayNameMaxLength = 200;
    public const int EmailMaxLength = 254;
    public const string EmailField = "email";
    public const string PhoneField = "phone";
    public const string DemographicsField = "demographics";
    public static readonly IReadOnlyList<string> Languages = ["ar", "fr", "en"];

    public Guid Id { get; init; }
    public ParticipantKind Kind { get; init; }
    public string? Category { get; set; }
    public required string DisplayName { get; set; }
    public string? NameAr { get; set; }
    public string? NameFr { get; set; }
    public string? NameEn { get; set; }
    public required string PreferredLanguage { get; set; }
    public string? Governorate { get; set; }
    public List<string> Themes { get; set; } = [];
    public bool DirectoryOptIn { get; set; }

    /// <summary>HMAC-SHA256 of the normalized email under a key outside the database: unique, for look-up.</summary>
    public byte[]? EmailHash { get; set; }
    public byte[]? EmailCipher { get; set; }
    public byte[]? PhoneCipher { get; set; }

    /// <summary>Gender, age band and occupation (JSON, encrypted); only with <see cref="DemographicsConsentAt"/>.</summary>
    public byte[]? DemographicsCipher { get; set; }
    public DateTimeOffset? DemographicsConsentAt { get; set; }

    public ParticipantStatus Status { get; set; }
    public VettingState Vetting { get; set; }
    public int? FoundingCallVersion { get; set; }
    public DateTimeOffset? AdheredAt { get; set; }
    public DateTimeOffset? EmailVerifiedAt { get; set; }
    public DateTimeOffset RegisteredAt { get; init; }
    public DateTimeOffset? ActivatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The platform roles granted (participant by default; steering grants the others).</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Argon2id hash (PHC string) of the sign-in password, when one is set.</summary>
    public string? PasswordHash { get; set; }
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>The one pending one-time code (hashed), its purpose, expiry and wrong attempts.</summary>
    public byte[]? CodeHash { get; set; }
    public string? CodePurpose { get; set; }
    public DateTimeOffset? CodeExpiresAt { get; set; }
    public int CodeAttempts { get; set; }

    public uint Version { get; set; }

    public static string KindName(ParticipantKind kind) => kind.ToString().ToLowerInvariant();

    public static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    public bool IsOrganizationOrMovement => Kind is ParticipantKind.Organization or ParticipantKind.Movement;

    public bool IsVetted => Vetting is VettingState.Approved or VettingState.Confirmed;

    /// <summary>Adheres to <paramref name="version"/> (the current one) and activates when vetted too.</summary>
    public bool Adhere(int version, DateTimeOffset now)
    {
        FoundingCallVersion = version;
        AdheredAt = now;
        UpdatedAt = now;
        return TryActivate(now);
    }

    /// <summary>Active = adhered to the founding call and vetted. Returns true when it just became active.</summary>
    public bool TryActivate(DateTimeOffset now)
    {
        if (Status != ParticipantStatus.Pending || FoundingCallVersion is null || !IsVetted)
        {
            return false;
        }
        Status = ParticipantStatus.Active;
        ActivatedAt = now;
        UpdatedAt = now;
        return true;
    }

    /// <summary>Removes every piece of personal data; keeps a tombstone (id, kind) so others learn of the erasure.</summary>
    public void Erase(DateTimeOffset now)
    {
        DisplayName = "—";
        NameAr = NameFr = NameEn = null;
        Category = null;
        Governorate = null;
        Themes = [];
        DirectoryOptIn = false;
        EmailHash = EmailCipher = PhoneCipher = DemographicsCipher = null;
        DemographicsConsentAt = null;
        PasswordHash = null;
        CodeHash = null;
        CodePurpose = null;
        CodeExpiresAt = null;
        Roles = [];
        Status = ParticipantStatus.Erased;
        UpdatedAt = now;
    }

    public Demographics? ReadDemographics(PersonalDataProtector protector) =>
        DemographicsCipher is null ? null : Demographics.FromJson(protector.Decrypt(DemographicsCipher, Id, DemographicsField));

    public IReadOnlyList<string> Names() =>
        new[] { NameAr, NameFr, NameEn }.Where(n => n is not null).Select(n => n!).ToList();
}

/// <summary>Optional demographic answers, stored encrypted and only with explicit consent.</summary>
public sealed record Demographics(string? Gender, string? AgeBand, string? Occupation)
{
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this);

    public static Demographics FromJson(string json) => System.Text.Json.JsonSerializer.Deserialize<Demographics>(json)!;
}

public sealed record Names(string? Ar, string? Fr, string? En);
