using System.Net.Mail;
using System.Text;
using Agora.Registry.Privacy;
using Agora.ServiceDefaults;
using PhoneNumbers;

namespace Agora.Registry.Participants;

/// <summary>The body of <c>POST /api/registry/participants</c>. Strings, so every field's error can be reported at once.</summary>
public sealed record RegisterParticipant(
    string? Kind,
    string? DisplayName,
    string? PreferredLanguage,
    string? Email,
    Names? Names = null,
    string? Category = null,
    string? Governorate = null,
    IReadOnlyList<string>? Themes = null,
    string? Phone = null,
    Demographics? Demographics = null,
    bool? DemographicsConsent = null,
    bool? DirectoryOptIn = null,
    int? AdheresToFoundingCall = null,
    string? Password = null);

/// <summary>The rules of each registration field, shared by registration and profile edits.</summary>
public static class Registration
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    public const string DefaultPhoneRegion = "TN";
    public const int PasswordMinLength = 12;

    /// <summary>Checks a registration and either builds the participant or lists every invalid field.</summary>
    public static Participant? TryRegister(RegisterParticipant request, DateTimeOffset now, ISet<string> knownThemes,
        PersonalDataProtector protector, out FieldErrors errors)
    {
        errors = new FieldErrors();
        var kind = ParseKind(request.Kind, errors);
        var display = request.DisplayName is null ? null : CleanName(request.DisplayName, "displayName", errors);
        var ar = request.Names?.Ar is null ? null : CleanName(request.Names.Ar, "names.ar", errors);
        var fr = request.Names?.Fr is null ? null : CleanName(request.Names.Fr, "names.fr", errors);
        var en = request.Names?.En is null ? null : CleanName(request.Names.En, "names.en", errors);
        if (request.DisplayName is null && request.Names?.Ar is null && request.Names?.Fr is null && request.Names?.En is null)
        {
            errors.Add("displayName", "At least one name is required (displayName or names.ar/fr/en).");
        }
        var language = ParseLanguage(request.PreferredLanguage, errors);
        var email = NormalizeEmail(request.Email, errors);
        var phone = request.Phone is null ? null : NormalizePhone(request.Phone, errors);
        var category = kind is null ? null : ParseCategory(kind.Value, request.Category, errors);
        var governorate = ParseGovernorate(request.Governorate, errors);
        var themes = ParseThemes(request.Themes, knownThemes, errors);
        var demographics = ParseDemographics(request.Demographics, request.DemographicsConsent, errors);
        if (request.Password is not null)
        {
            CheckPassword(request.Password, errors);
        }
        if (errors.Any)
        {
            return null;
        }

        // The name in the preferred language comes first, then any other.
        if (language is not null)
        {
            var byLanguage = new Dictionary<string, string?> { ["ar"] = ar, ["fr"] = fr, ["en"] = en };
            if (display is not null && byLanguage[language] is null)
            {
                byLanguage[language] = display;
            }
            ar = byLanguage["ar"];
            fr = byLanguage["fr"];
            en = byLanguage["en"];
            display ??= byLanguage[language] ?? ar ?? fr ?? en;
        }

        var id = Guid.CreateVersion7(now);
        var participant = new Participant
        {
            Id = id,
            Kind = kind!.Value,
            Category = category,
            DisplayName = display!,
            NameAr = ar,
            NameFr = fr,
            NameEn = en,
            PreferredLanguage = language!,
            Governorate = governorate,
            Themes = themes,
            DirectoryOptIn = request.DirectoryOptIn ?? kind!.Value != ParticipantKind.Individual,
            EmailHash = protector.LookupHash(email!),
            EmailCipher = protector.Encrypt(email!, id, Participant.EmailField),
            PhoneCipher = phone is null ? null : protector.Encrypt(phone, id, Participant.PhoneField),
            Status = ParticipantStatus.Pending,
            Vetting = VettingState.Pending,
            RegisteredAt = now,
            UpdatedAt = now,
            Roles = [Agora.ServiceDefaults.Roles.Participant],
        };
        if (demographics is not null)
        {
            participant.DemographicsCipher = protector.Encrypt(demographics.ToJson(), id, Participant.DemographicsField);
            participant.DemographicsConsentAt = now;
        }
        return participant;
    }

    public static ParticipantKind? ParseKind(string? kind, FieldErrors errors)
    {
        switch (kind?.Trim())
        {
            case null or "":
                errors.Add("kind", "The kind is required.");
                return null;
            case "organization": return ParticipantKind.Organization;
            case "movement": return ParticipantKind.Movement;
            case "individual": return ParticipantKind.Individual;
            default:
                errors.Add("kind", "The kind must be one of: organization, movement, individual.");
                return null;
        }
    }

    public static string? ParseLanguage(string? value, FieldErrors errors, string field = "preferredLanguage")
    {
        var language = value?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(language))
        {
            errors.Add(field, "The preferred language is required.");
            return null;
        }
        if (!Participant.Languages.Contains(language))
        {
            errors.Add(field, "The preferred language must be one of: ar, fr, en.");
            return null;
        }
        return language;
    }

    /// <summary>
    /// A name in any script (Arabic with or without its diacritics, Latin, mixed, right to left) is fine; one that shows
    /// nothing once its control characters are set aside (<see cref="FreeText.IsBlank"/>) is not, nor one with control or
    /// bidi-override characters.
    /// </summary>
    public static string? CleanName(string name, string field, FieldErrors errors)
    {
        var cleaned = name.Normalize(NormalizationForm.FormC).Trim();
        if (FreeText.IsBlank(string.Concat(cleaned.Where(c => !char.IsControl(c)))))
        {
            errors.Add(field, "The name is required and must contain visible characters.");
            return null;
        }
        if (FreeText.HasControlCharacters(cleaned))
        {
            errors.Add(field, "The name must not contain control characters.");
            return null;
        }
        if (cleaned.Any(c => c is '\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E'))
        {
            errors.Add(field, "The name must not contain bidirectional override characters.");
            return null;
        }
        if (cleaned.Length > Participant.DisplayNameMaxLength)
        {
            errors.Add(field, $"The name must be at most {Participant.DisplayNameMaxLength} characters.");
            return null;
        }
        return cleaned;
    }

    /// <summary>Trimmed and lower-cased; the form used for the look-up hash and uniqueness.</summary>
    public static string? NormalizeEmail(string? email, FieldErrors errors)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors.Add("email", "The email is required.");
            return null;
        }
        if (trimmed.Length > Participant.EmailMaxLength || !MailAddress.TryCreate(trimmed, out var address)
            || address.Address != trimmed || !address.Host.Contains('.', StringComparison.Ordinal)
            || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add("email", "The email is not a valid address.");
            return null;
        }
        return trimmed.ToLowerInvariant();
    }

    /// <summary>Parses with libphonenumber (Tunisia by default) and returns E.164.</summary>
    public static string? NormalizePhone(string phone, FieldErrors errors)
    {
        try
        {
            var number = Phones.Parse(phone.Trim(), DefaultPhoneRegion);
            if (Phones.IsValidNumber(number))
            {
                return Phones.Format(number, PhoneNumberFormat.E164);
            }
        }
        catch (NumberParseException)
        {
            // reported below
        }
        errors.Add("phone", "The phone number is not valid (international format, or a Tunisian number).");
        return null;
    }

    public static string? ParseCategory(ParticipantKind kind, string? category, FieldErrors errors)
    {
        if (category is null)
        {
            return null;
        }
        var value = category.Trim().ToLowerInvariant();
        if (!Reference.Categories[kind].Contains(value))
        {
            errors.Add("category", $"The category must be one of: {string.Join(", ", Reference.Categories[kind])}.");
            return null;
        }
        return value;
    }

    public static string? ParseGovernorate(string? governorate, FieldErrors errors)
    {
        if (governorate is null)
        {
            return null;
        }
        var value = governorate.Trim().ToLowerInvariant();
        if (!Reference.Governorates.Contains(value))
        {
            errors.Add("governorate", "The governorate must be one of Tunisia's 24 governorates or \"diaspora\".");
            return null;
        }
        return value;
    }

    public static List<string> ParseThemes(IReadOnlyList<string>? themes, ISet<string> knownThemes, FieldErrors errors)
    {
        if (themes is null)
        {
            return [];
        }
        var values = NormalizeThemes(themes);
        var unknown = values.Where(t => !knownThemes.Contains(t)).ToList();
        if (unknown.Count > 0)
        {
            errors.Add("themes", "Every theme must come from the managed list (GET /api/registry/themes).");
            return [];
        }
        return values;
    }

    /// <summary>Theme slugs as compared with the managed list: trimmed, lower case, each once.</summary>
    public static List<string> NormalizeThemes(IReadOnlyList<string>? themes) =>
        themes is null ? [] : themes.Select(t => t?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();

    public static Demographics? ParseDemographics(Demographics? answers, bool? consent, FieldErrors errors)
    {
        if (answers is null || (answers.Gender is null && answers.AgeBand is null && answers.Occupation is null))
        {
            return null;
        }
        if (consent != true)
        {
            errors.Add("demographicsConsent", "Demographic answers are stored only with explicit consent (demographicsConsent: true).");
            return null;
        }
        var ok = true;
        if (answers.Gender is not null && !Reference.Genders.Contains(answers.Gender))
        {
            errors.Add("demographics.gender", $"The gender must be one of: {string.Join(", ", Reference.Genders)}.");
            ok = false;
        }
        if (answers.AgeBand is not null && !Reference.AgeBands.Contains(answers.AgeBand))
        {
            errors.Add("demographics.ageBand", $"The age band must be one of: {string.Join(", ", Reference.AgeBands)}.");
            ok = false;
        }
        if (answers.Occupation is not null && !Reference.Occupations.Contains(answers.Occupation))
        {
            errors.Add("demographics.occupation", $"The occupation must be one of: {string.Join(", ", Reference.Occupations)}.");
            ok = false;
        }
        return ok ? answers : null;
    }

    public static void CheckPassword(string password, FieldErrors errors)
    {
        if (password.Length < PasswordMinLength || password.Length > 256 || string.IsNullOrWhiteSpace(password))
        {
            errors.Add("password", $"The password must be {PasswordMinLength} to 256 characters long.");
        }
    }
}
