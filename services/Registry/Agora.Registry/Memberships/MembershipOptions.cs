namespace Agora.Registry.Memberships;

/// <summary>The <c>Registry:Memberships</c> settings.</summary>
public sealed class MembershipOptions
{
    public const string Section = "Registry:Memberships";

    /// <summary>How long after an individual declines an organization's invitation before that organization may invite them again.</summary>
    public TimeSpan ReinviteAfter { get; set; } = TimeSpan.FromDays(90);
}
