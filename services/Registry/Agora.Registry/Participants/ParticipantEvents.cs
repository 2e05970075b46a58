using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Registry.Data;
using Agora.Registry.Privacy;

namespace Agora.Registry.Participants;

/// <summary>The events a participant's changes raise: ids, kind, language, themes and consented attributes only, each to the services that use them.</summary>
public static class ParticipantEvents
{
    /// <summary>
    /// The constituency attributes others may learn: an organization's or movement's governorate is
    /// public; an individual's governorate and demographic answers only with their consent.
    /// </summary>
    public static ConstituencyAttributes Constituency(Participant p, PersonalDataProtector protector)
    {
        var consented = p.DemographicsConsentAt is not null;
        var demographics = consented ? p.ReadDemographics(protector) : null;
        return new ConstituencyAttributes(p.PublicGovernorate, demographics?.Gender, demographics?.AgeBand, demographics?.Occupation);
    }

    /// <summary>
    /// The profile for the services that count constituencies (charter, workshops) and, in the same outbox and with the same
    /// time, the routing fields alone (kind, language, consented governorate) for notifications, which must not receive gender,
    /// age band, occupation or themes. <paramref name="routingChanged"/> false (only themes or demographic answers changed)
    /// leaves the routing event out: notifications does not even learn that something else changed.
    /// </summary>
    public static void ProfileChanged(RegistryDbContext db, Participant p, PersonalDataProtector protector, DateTimeOffset now,
        bool routingChanged = true)
    {
        var constituency = Constituency(p, protector);
        var kind = Participant.KindName(p.Kind);
        db.AddEvent(new ParticipantProfileChanged(p.Id, kind, p.PreferredLanguage, [.. p.Themes], constituency, now), now);
        if (routingChanged)
        {
            db.AddEvent(new ParticipantRoutingChanged(p.Id, kind, p.PreferredLanguage, constituency.Governorate, now), now);
        }
    }

    public static void Activated(RegistryDbContext db, Participant p, DateTimeOffset now) =>
        db.AddEvent(new ParticipantActivated(p.Id, Participant.KindName(p.Kind), p.FoundingCallVersion!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), now), now);
}
