namespace Agora.Registry.Memberships;

public enum MembershipRole
{
    Member,
    Delegate,
    Spokesperson,
}

/// <summary>
/// An invitation until the individual accepts it, then a membership. The default is <see cref="Invited"/>:
/// nobody belongs to an organization or movement without their consent.
/// </summary>
public enum MembershipStatus
{
    Invited,
    Active,
}

/// <summary>
/// An individual's belonging to an organization or a movement, with a role. It starts as an invitation
/// (<see cref="MembershipStatus.Invited"/>), seen only by the individual and those who manage the
/// organization and giving no rights; the individual's acceptance makes it <see cref="MembershipStatus.Active"/>.
/// </summary>
public sealed class Membership
{
    public Guid Id { get; init; }
    public Guid OrganizationId { get; init; }
    public Guid IndividualId { get; init; }
    public MembershipRole Role { get; set; }
    public MembershipStatus Status { get; set; }

    /// <summary>When the invitation was made, then, once accepted, when the membership began.</summary>
    public DateTimeOffset Since { get; set; }

    public Guid? AddedBy { get; init; }
}
