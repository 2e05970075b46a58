using Agora.Notifications.Channels;
using Agora.Notifications.Contacts;
using Agora.Notifications.Data;
using Agora.Notifications.Preferences;
using Agora.Notifications.Templates;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Deliveries;

/// <summary>
/// Sends one queued email or SMS: asks the registry for the contact details (never stored), renders
/// the template along the participant's languages and hands it to the channel. Lives for one batch;
/// the SMTP connection it uses belongs to the delivery lane (or to the scope) and outlives it.
/// An announcement is rendered once per language chain for the batch, not once per recipient.
/// </summary>
public sealed class MessageSender(
    NotificationsDbContext db,
    IContactDirectory contacts,
    TemplateCatalogue catalogue,
    EmailChannel email,
    ISmsProvider sms,
    ILogger<MessageSender> logger)
{
    private readonly Dictionary<(Guid EventId, string Languages), RenderedMessage> announcements = [];

    /// <summary>The registry's answer for one participant: their contact details, or why nothing can be sent.</summary>
    public sealed record Lookup(ContactDetails? Contact, SendOutcome? Failure);

    public async Task<Lookup> LookupAsync(Guid participantId, CancellationToken ct)
    {
        try
        {
            return Of(await contacts.FindAsync(participantId, ct));
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Contact lookup failed ({StatusCode}) for participant {ParticipantId}", e.StatusCode, participantId);
            return RegistryUnavailable(e);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("Registry token request failed ({StatusCode})", e.StatusCode);
            return TokenUnavailable(e);
        }
    }

    /// <summary>The registry's answers for a whole batch, in one call where the registry allows it.</summary>
    public async Task<IReadOnlyDictionary<Guid, Lookup>> LookupManyAsync(IReadOnlyCollection<Guid> participantIds, CancellationToken ct)
    {
        IReadOnlyDictionary<Guid, ContactDetails?> found;
        try
        {
            found = await contacts.FindManyAsync(participantIds, ct);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Contact lookup failed ({StatusCode}) for a batch of {Count} participants", e.StatusCode, participantIds.Count);
            var failure = RegistryUnavailable(e);
            return participantIds.Distinct().ToDictionary(id => id, _ => failure);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("Registry token request failed ({StatusCode})", e.StatusCode);
            var failure = TokenUnavailable(e);
            return participantIds.Distinct().ToDictionary(id => id, _ => failure);
        }
        return participantIds.Distinct().ToDictionary(id => id, id => Of(found.GetValueOrDefault(id)));
    }

    private static readonly Lookup UnknownParticipant = new(null, SendOutcome.Permanent("unknown-participant: the registry does not know this participant."));
    private static readonly Lookup ErasedParticipant = new(null, SendOutcome.Permanent("erased: the participant asked for erasure."));

    /// <summary>What the registry's answer for one participant means for sending: their details, or why nothing can be sent.</summary>
    private static Lookup Of(ContactDetails? contact) => contact switch
    {
        null => UnknownParticipant,
        { Erased: true } => ErasedParticipant,
        _ => new Lookup(contact, null),
    };

    private static Lookup RegistryUnavailable(RpcException e) => new(null, SendOutcome.Transient($"registry-unavailable: {e.StatusCode}"));

    private static Lookup TokenUnavailable(HttpRequestException e) => new(null, SendOutcome.Transient($"registry-token-unavailable: {e.StatusCode}"));

    public async Task<SendOutcome> SendAsync(Delivery delivery, NotificationPreferences? preferences, string? knownLanguage, CancellationToken ct) =>
        await SendAsync(delivery, preferences, knownLanguage, await LookupAsync(delivery.ParticipantId, ct), ct);

    public async Task<SendOutcome> SendAsync(Delivery delivery, NotificationPreferences? preferences, string? knownLanguage, Lookup lookup, CancellationToken ct)
    {
        if (lookup.Contact is not { } contact)
        {
            return lookup.Failure!;
        }

        var languages = Languages.Chain([preferences?.Language, contact.PreferredLanguage, .. contact.FallbackLanguages, knownLanguage]);
        RenderedMessage message;
        try
        {
            message = delivery.TemplateKey switch
            {
                "digest" => await RenderDigestAsync(delivery, languages, ct),
                // An announcement's texts are the same for all its deliveries (they come with the announcement).
                TemplateCatalogue.Announcement => RenderAnnouncement(delivery, languages),
                _ => catalogue.Render(delivery.TemplateKey, delivery.Parameters, languages),
            };
        }
        catch (TemplateException e)
        {
            return SendOutcome.Permanent($"{e.Code}: {e.Message}");
        }
        delivery.Language = message.Language;

        return delivery.Channel switch
        {
            ChannelNames.Email => await SendEmailAsync(delivery, contact, message, ct),
            ChannelNames.Sms => await SendSmsAsync(delivery, contact, message, ct),
            _ => SendOutcome.Permanent($"unknown-channel: '{delivery.Channel}'."),
        };
    }

    private async Task<SendOutcome> SendEmailAsync(Delivery delivery, ContactDetails contact, RenderedMessage message, CancellationToken ct)
    {
        if (contact.Email is null)
        {
            return SendOutcome.Permanent("no-email-address: the participant has no email address.");
        }
        if (EmailComposer.ParseAddress(contact.Email) is not { } to)
        {
            return SendOutcome.Permanent("invalid-email-address: the registry's address for this participant is not valid.");
        }
        return await email.SendAsync(EmailComposer.Compose(message, email.From, to, delivery.Id), ct);
    }

    private async Task<SendOutcome> SendSmsAsync(Delivery delivery, ContactDetails contact, RenderedMessage message, CancellationToken ct)
    {
        if (contact.Phone is null)
        {
            return SendOutcome.Permanent("no-phone-number: the participant has no phone number.");
        }
        if (!PhoneNumbers.IsE164(contact.Phone))
        {
            return SendOutcome.Permanent("invalid-phone-number: the registry's number for this participant is not E.164.");
        }
        var text = message.Title + "\n" + message.Body;
        return await sms.SendAsync(new SmsMessage(delivery.Id, contact.Phone, text, SmsSegmenter.Segment(text)), ct);
    }

    /// <summary>The digest lists the titles of the held messages (ids in the <c>items</c> parameter), each in the digest's language.</summary>
    private async Task<RenderedMessage> RenderDigestAsync(Delivery digest, IReadOnlyList<string> languages, CancellationToken ct)
    {
        var ids = digest.Parameters.GetValueOrDefault("deliveries", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToList();
        var items = await db.Deliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).OrderBy(d => d.CreatedAt).ToListAsync(ct);
        var lines = new List<string>();
        foreach (var item in items)
        {
            try
            {
                lines.Add("• " + catalogue.Render(item.TemplateKey, item.Parameters, languages).Title);
            }
            catch (TemplateException e)
            {
                logger.LogError("Digest item {DeliveryId} cannot be rendered ({Code})", item.Id, e.Code);
            }
        }
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["count"] = lines.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["items"] = string.Join("\n", lines),
        };
        return catalogue.Render("digest", parameters, languages);
    }

    private RenderedMessage RenderAnnouncement(Delivery delivery, IReadOnlyList<string> languages)
    {
        var key = (delivery.EventId, string.Join(',', languages));
        if (!announcements.TryGetValue(key, out var message))
        {
            message = catalogue.Render(delivery.TemplateKey, delivery.Parameters, languages);
            announcements[key] = message;
        }
        return message;
    }
}
