using Agora.Contracts.Registry.V1;
using Agora.Notifications.Deliveries;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Agora.Notifications.Contacts;

/// <summary>A participant's contact details, decrypted by the registry for one send and never stored here.</summary>
public sealed record ContactDetails(string? Email, string? Phone, string? PreferredLanguage, IReadOnlyList<string> FallbackLanguages, bool Erased);

/// <summary>Where contact details come from at send time.</summary>
public interface IContactDirectory
{
    /// <summary>The participant's contact details, or null when the registry does not know them.</summary>
    Task<ContactDetails?> FindAsync(Guid participantId, CancellationToken ct);

    /// <summary>
    /// Several participants' contact details at once (one delivery batch); a participant the registry
    /// does not know maps to null. Throws as <see cref="FindAsync"/> does when the registry cannot answer.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, ContactDetails?>> FindManyAsync(IReadOnlyCollection<Guid> participantIds, CancellationToken ct);
}

/// <summary>
/// Asks the registry over gRPC: <c>agora.registry.v1.Contacts/GetContactDetailsBatch</c> for a batch
/// (one call per <see cref="MaxBatch"/> participants), or <c>GetContactDetails</c> one by one when the
/// registry does not implement the batch call yet (<see cref="DeliveryOptions.LookupConcurrency"/> at once).
/// </summary>
public sealed class GrpcContactDirectory(Agora.Contracts.Registry.V1.Contacts.ContactsClient client, TimeProvider time, ContactBatchSupport support,
    IOptions<DeliveryOptions> options) : IContactDirectory
{
    public const int MaxBatch = 1000;

    public async Task<ContactDetails?> FindAsync(Guid participantId, CancellationToken ct)
    {
        try
        {
            var reply = await client.GetContactDetailsAsync(new GetContactDetailsRequest { ParticipantId = participantId.ToString() },
                deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
            return ToDetails(reply);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyDictionary<Guid, ContactDetails?>> FindManyAsync(IReadOnlyCollection<Guid> participantIds, CancellationToken ct)
    {
        var found = new Dictionary<Guid, ContactDetails?>(participantIds.Count);
        var now = time.GetTimestamp();
        var unsupportedAt = Interlocked.Read(ref support.UnsupportedAt);
        if (unsupportedAt == long.MinValue || time.GetElapsedTime(unsupportedAt, now) > TimeSpan.FromMinutes(5))
        {
            try
            {
                foreach (var chunk in participantIds.Distinct().Chunk(MaxBatch))
                {
                    var request = new GetContactDetailsBatchRequest();
                    request.ParticipantIds.AddRange(chunk.Select(id => id.ToString()));
                    var reply = await client.GetContactDetailsBatchAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
                    foreach (var contact in reply.Contacts)
                    {
                        if (Guid.TryParse(contact.ParticipantId, out var id))
                        {
                            found[id] = ToDetails(contact);
                        }
                    }
                    foreach (var unknown in chunk)
                    {
                        found.TryAdd(unknown, null);
                    }
                }
                return found;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
            {
                Interlocked.Exchange(ref support.UnsupportedAt, now);
            }
        }
        var results = new System.Collections.Concurrent.ConcurrentDictionary<Guid, ContactDetails?>();
        await Parallel.ForEachAsync(participantIds.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.LookupConcurrency), CancellationToken = ct },
            async (id, token) => results[id] = await FindAsync(id, token));
        return results;
    }

    private static ContactDetails ToDetails(ContactDetailsReply reply) => new(
        string.IsNullOrWhiteSpace(reply.Email) ? null : reply.Email.Trim(),
        string.IsNullOrWhiteSpace(reply.Phone) ? null : reply.Phone.Trim(),
        string.IsNullOrWhiteSpace(reply.PreferredLanguage) ? null : reply.PreferredLanguage,
        [.. reply.FallbackLanguages],
        reply.Erased);
}

/// <summary>Remembers (per process) that the registry answered Unimplemented to the batch call; it is asked again after a while (it may have been upgraded).</summary>
public sealed class ContactBatchSupport
{
    internal long UnsupportedAt = long.MinValue;
}
