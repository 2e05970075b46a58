namespace Agora.Contracts.Registry;

/// <summary>
/// A one-time code to deliver to a participant (email verification or sign-in). It carries no
/// address: notifications asks the registry for the contact details at send time
/// (<c>agora.registry.v1.Contacts/GetContactDetails</c>). Consumers must never log the code.
/// </summary>
/// <param name="Purpose">verify-email | sign-in</param>
public sealed record OneTimeCodeIssued(
    Guid ParticipantId,
    string Purpose,
    string Code,
    string PreferredLanguage,
    DateTimeOffset ExpiresAt);
