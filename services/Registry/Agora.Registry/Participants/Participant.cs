using System.Globalization;
using System.Net.Mail;
using System.Text;
using Agora.ServiceDefaults;

namespace Agora.Registry.Participants;

public enum ParticipantKind
{
    Organization,
    Movement,
    Individual,
}

public enum ParticipantStatus
{
    Pending,
    Active,
}

/// <summary>Someone registered in the agora: an organization, a movement or an individual.</summary>
public sealed class Participant
{
    public const int DisplayNameMaxLength = 200;
    public const int EmailMaxLength = 254;
    public static readonly IReadOnlyList<string> Languages = ["ar", "fr", "en"];

    public Guid Id { get; private init; }
    public ParticipantKind Kind { get; private init; }
    public required string DisplayName { get; init; }
    public required string PreferredLanguage { get; init; }

    /// <summary>Normalized (trimmed, lower-case) contact email.</summary>
    public required string Email { get; init; }

    public ParticipantStatus Status { get; private set; }
    public DateTimeOffset RegisteredAt { get; private init; }

    /// <summary>Checks a registration and either builds the participant or lists every invalid field.</summary>
    public static Participant? TryRegister(RegisterParticipant request, DateTimeOffset now, out FieldErrors errors)
    {
        errors = new FieldErrors();
        var kind = ParseKind(request.Kind, errors);
        var name = CleanDisplayName(request.DisplayName, errors);
        var language = request.PreferredLanguage?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(language))
        {
            errors.Add("preferredLanguage", "The preferred language is required.");
        }
        else if (!Languages.Contains(language))
        {
            errors.Add("preferredLanguage", "The preferred language must be one of: ar, fr, en.");
        }
        var email = NormalizeEmail(request.Email, errors);
        if (errors.Any)
        {
            return null;
        }
        return new Participant
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind!.Value,
            DisplayName = name!,
            PreferredLanguage = language!,
            Email = email!,
            Status = ParticipantStatus.Pending,
            RegisteredAt = now,
        };
    }

    public static string KindName(ParticipantKind kind) => kind.ToString().ToLowerInvariant();

    private static ParticipantKind? ParseKind(string? kind, FieldErrors errors)
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

    private static string? CleanDisplayName(string? name, FieldErrors errors)
    {
        var cleaned = name?.Normalize(NormalizationForm.FormC).Trim();
        if (string.IsNullOrEmpty(cleaned) || cleaned.All(c => char.IsWhiteSpace(c) || char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format))
        {
            errors.Add("displayName", "The display name is required and must contain visible characters.");
            return null;
        }
        if (cleaned.Any(char.IsControl))
        {
            errors.Add("displayName", "The display name must not contain control characters.");
            return null;
        }
        if (cleaned.Length > DisplayNameMaxLength)
        {
            errors.Add("displayName", $"The display name must be at most {DisplayNameMaxLength} characters.");
            return null;
        }
        return cleaned;
    }

    private static string? NormalizeEmail(string? email, FieldErrors errors)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors.Add("email", "The email is required.");
            return null;
        }
        if (trimmed.Length > EmailMaxLength || !MailAddress.TryCreate(trimmed, out var address)
            || address.Address != trimmed || !address.Host.Contains('.', StringComparison.Ordinal))
        {
            errors.Add("email", "The email is not a valid address.");
            return null;
        }
        return trimmed.ToLowerInvariant();
    }
}

/// <summary>The body of <c>POST /api/registry/participants</c>. Strings, so every field's error can be reported at once.</summary>
public sealed record RegisterParticipant(string? Kind, string? DisplayName, string? PreferredLanguage, string? Email);
