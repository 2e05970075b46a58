namespace Agora.Contracts.Registry;

/// <summary>
/// A participant registered with the registry. Carries no personal data: other services know a
/// participant only by id, kind and (later) consented constituency attributes.
/// </summary>
/// <param name="Kind">organization | movement | individual</param>
/// <param name="PreferredLanguage">ar | fr | en</param>
public sealed record ParticipantRegistered(
    Guid ParticipantId,
    string Kind,
    string PreferredLanguage,
    DateTimeOffset RegisteredAt);
