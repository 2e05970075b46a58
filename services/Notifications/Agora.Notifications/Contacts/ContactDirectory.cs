using Agora.Contracts.Registry.V1;
using Grpc.Core;

namespace Agora.Notifications.Contacts;

/// <summary>A participant's contact details, decrypted by the registry for one send and never stored here.</summary>
public sealed record ContactDetails(string? Email, string? Phone, string? PreferredLanguage, IReadOnlyList<string> FallbackLanguages, bool Erased);

/// <summary>Where contact details come from at send time.</summary>
public interface IContactDirectory
{
    /// <summary>The participant's contact details, or null when the registry does not know them.</summary>
    Task<ContactDetails?> FindAsync(Guid participantId, CancellationToken ct);
}

/// <summary>Asks the registry over gRPC (<c>agora.registry.v1.Contacts/GetContactDetails</c>).</summary>
public sealed class GrpcContactDirectory(Agora.Contracts.Registry.V1.Contacts.ContactsClient client) : IContactDirectory
{
    public async Task<ContactDetails?> FindAsync(Guid participantId, CancellationToken ct)
    {
        try
        {
            var reply = await client.GetContactDetailsAsync(new GetContactDetailsRequest { ParticipantId = participantId.ToString() },
                deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
            return new ContactDetails(
                string.IsNullOrWhiteSpace(reply.Email) ? null : reply.Email.Trim(),
                string.IsNullOrWhiteSpace(reply.Phone) ? null : reply.Phone.Trim(),
                string.IsNullOrWhiteSpace(reply.PreferredLanguage) ? null : reply.PreferredLanguage,
                [.. reply.FallbackLanguages],
                reply.Erased);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }
}
