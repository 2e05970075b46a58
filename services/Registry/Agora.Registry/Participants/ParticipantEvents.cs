using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Registry.Data;
using Agora.Registry.Privacy;

namespace Agora.Registry.Participants;

/// <summary>The events a participant's changes raise: ids, kind, language, themes and consented attributes only.</summary>
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
        var governorate = p.IsOrganizationOrMovement || consented ? p.Governorate : null;
        return new ConstituencyAttributes(governorate, demographics?.Gender, demographics?.AgeBand, demographics?.Occupation);
    }

    public static void ProfileChanged(RegistryDbContext db, Participant p, PersonalDataProtector protector, DateTimeOffset now) =>
        db.AddEvent(new ParticipantProfileChanged(p.Id, Participant.KindName(p.Kind), p.PreferredLanguage, [.. p.Themes], Constituency(p, protector), now), now);

    public static void Activated(RegistryDbContext db, Participant p, DateTimeOffset now) =>
        db.AddEvent(new ParticipantActivated(p.Id, Participant.KindName(p.Kind), p.FoundingCallVersion!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), now), now);
}
