namespace Agora.Contracts.Registry;

// Events the registry publishes. They carry ids and consented attributes only, never personal data.

/// <summary>
/// The constituency attributes a participant consented to share, for aggregate statistics only.
/// Every field is null when not declared or not consented.
/// </summary>
/// <param name="Governorate">One of Tunisia's 24 governorates (e.g. "tunis", "sfax") or "diaspora".</param>
/// <param name="Gender">female | male | other</param>
/// <param name="AgeBand">18-24 | 25-34 | 35-49 | 50-64 | 65+</param>
/// <param name="Occupation">student | worker | employee | unemployed | researcher | lawyer | retired | other</param>
public sealed record ConstituencyAttributes(
    string? Governorate,
    string? Gender,
    string? AgeBand,
    string? Occupation);

/// <summary>The participant adhered to a version of the founding call and became active (or was already approved).</summary>
public sealed record ParticipantActivated(
    Guid ParticipantId,
    string Kind,
    string FoundingCallVersion,
    DateTimeOffset ActivatedAt);

/// <summary>A vetting decision on an organization or movement (approved | rejected), or the confirmation of an individual.</summary>
public sealed record ParticipantVettingDecided(
    Guid ParticipantId,
    string Kind,
    string Decision,
    Guid? DecidedBy,
    DateTimeOffset DecidedAt);

/// <summary>The participant's public profile for other services: kind, language, themes and consented attributes changed.</summary>
public sealed record ParticipantProfileChanged(
    Guid ParticipantId,
    string Kind,
    string PreferredLanguage,
    IReadOnlyList<string> Themes,
    ConstituencyAttributes Constituency,
    DateTimeOffset ChangedAt);

/// <summary>
/// What a service needs to route messages to a participant, and nothing more: kind, preferred language and consented
/// governorate. Published at registration and whenever one of these changes, always beside a
/// <see cref="ParticipantProfileChanged"/> in the same transaction and with the same <paramref name="ChangedAt"/> (not when
/// only themes or demographic answers changed), for consumers that must not receive the other constituency attributes
/// (notifications). A consumer ignores one older than what it already applied.
/// </summary>
/// <param name="Kind">organization | movement | individual</param>
/// <param name="PreferredLanguage">ar | fr | en</param>
/// <param name="Governorate">As in <see cref="ConstituencyAttributes.Governorate"/>: null when not declared or not consented.</param>
public sealed record ParticipantRoutingChanged(
    Guid ParticipantId,
    string Kind,
    string PreferredLanguage,
    string? Governorate,
    DateTimeOffset ChangedAt);

/// <summary>The participant asked for erasure: every service removes or anonymizes what it holds about them.</summary>
public sealed record ParticipantErased(
    Guid ParticipantId,
    DateTimeOffset ErasedAt);

/// <summary>
/// An organization or movement invited an individual to join it with a role (member | delegate | spokesperson). Published
/// once per invitation, when it is made: not when its role changes, not when it is accepted. Ids only: no name of the
/// individual or of the organization.
/// </summary>
/// <param name="Role">member | delegate | spokesperson</param>
public sealed record MembershipInvited(
    Guid IndividualId,
    Guid OrganizationId,
    string Role,
    DateTimeOffset InvitedAt);
