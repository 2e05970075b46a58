namespace Agora.Registry.Memberships;

public enum MembershipRole
{
    Member,
    Delegate,
    Spokesperson,
}

/// <summary>An individual's belonging to an organization or a movement, with a role.</summary>
public sealed class Membership
{
    public Guid Id { get; init; }
    public Guid OrganizationId { get; init; }
    public Guid IndividualId { get; init; }
    public MembershipRole Role { get; set; }
    public DateTimeOffset Since { get; init; }
    public Guid? AddedBy { get; init; }
}
