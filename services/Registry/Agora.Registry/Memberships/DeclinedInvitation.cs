namespace Agora.Registry.Memberships;

/// <summary>
/// An individual declined an organization's invitation: that organization cannot invite them again until
/// <see cref="MembershipOptions.ReinviteAfter"/> has passed, so that invitations cannot be repeated to harass
/// someone. Only ids and the time; the individual's personal data (exported, deleted at erasure). A manager's
/// withdrawal of an invitation records nothing.
/// </summary>
public sealed class DeclinedInvitation
{
    public Guid OrganizationId { get; init; }
    public Guid IndividualId { get; init; }
    public DateTimeOffset DeclinedAt { get; init; }
}
