using Agora.Messaging;
using Agora.Registry.FoundingCall;
using Agora.Registry.Memberships;
using Agora.Registry.Participants;
using Agora.Registry.Themes;
using Agora.Registry.Vetting;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Data;

public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>
    /// The ASP.NET data-protection key ring (sign-in cookies, antiforgery), shared by every registry
    /// replica. These keys protect short-lived browser state, not personal data, whose key is a file
    /// outside the database.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Participant> Participants => Set<Participant>();
    public DbSet<Theme> Themes => Set<Theme>();
    public DbSet<FoundingCallVersion> FoundingCallVersions => Set<FoundingCallVersion>();
    public DbSet<VettingDecision> VettingDecisions => Set<VettingDecision>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<DeclinedInvitation> DeclinedInvitations => Set<DeclinedInvitation>();

    /// <summary>The rows the public directory lists (<see cref="Participant.IsListed"/>), as SQL for partial indexes.</summary>
    public const string DirectoryListedFilter = "status = 'Active' AND directory_opt_in";

    /// <summary><see cref="Participant.PublicGovernorate"/> in SQL, for the generated column <c>directory_governorate</c>.</summary>
    public const string PublicGovernorateSql = "CASE WHEN kind <> 'Individual' OR demographics_consent_at IS NOT NULL THEN governorate END";

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        foreach (var entry in ChangeTracker.Entries<Participant>().Where(e => e.State is EntityState.Added or EntityState.Modified))
        {
            entry.Entity.SearchText = Directory.SearchText.For(entry.Entity);
        }
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.HasPostgresExtension("btree_gin");
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<Participant>(e =>
        {
            e.Property(p => p.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.Vetting).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.Category).HasMaxLength(40);
            e.Property(p => p.PreferredLanguage).HasMaxLength(2);
            e.Property(p => p.DisplayName).HasMaxLength(Participant.DisplayNameMaxLength);
            e.Property(p => p.NameAr).HasMaxLength(Participant.DisplayNameMaxLength);
            e.Property(p => p.NameFr).HasMaxLength(Participant.DisplayNameMaxLength);
            e.Property(p => p.NameEn).HasMaxLength(Participant.DisplayNameMaxLength);
            e.Property(p => p.Governorate).HasMaxLength(20);
            e.Property(p => p.DirectoryGovernorate).HasMaxLength(20).HasComputedColumnSql(PublicGovernorateSql, stored: true);
            e.Property(p => p.CodePurpose).HasMaxLength(20);
            e.Property(p => p.PasswordHash).HasMaxLength(200);
            e.Property(p => p.Version).IsRowVersion();
            e.HasIndex(p => p.EmailHash).IsUnique();
            e.HasIndex(p => new { p.UpdatedAt, p.Id });
            e.HasIndex(p => new { p.Kind, p.Status });
            e.HasGeneratedTsVectorColumn(p => p.SearchVector, "simple", p => new { p.SearchText });
            // The public directory (Directory.DirectorySearch): listed rows only, so registrations
            // (pending) and other changes to unlisted rows never touch these indexes.
            // Words, themes, public governorate and kind in one GIN index (btree_gin for the scalar columns).
            e.HasIndex(p => new { p.SearchVector, p.Themes, p.DirectoryGovernorate, p.Kind })
                .HasDatabaseName("ix_participants_directory_search").HasMethod("gin").HasFilter(DirectoryListedFilter);
            // Keyset pages in id order, with what the filters read, for index-only scans.
            e.HasIndex(p => p.Id).HasDatabaseName("ix_participants_directory_keyset")
                .IncludeProperties(p => new { p.Kind, p.DirectoryGovernorate, p.Themes, p.SearchVector }).HasFilter(DirectoryListedFilter);
        });
        modelBuilder.Entity<Theme>(e =>
        {
            e.HasKey(t => t.Slug);
            e.Property(t => t.Slug).HasMaxLength(60);
            e.HasData(Theme.Seed);
        });
        modelBuilder.Entity<FoundingCallVersion>(e =>
        {
            e.HasKey(v => v.Version);
            e.Property(v => v.Version).ValueGeneratedNever();
            e.HasData(FoundingCallVersion.First);
        });
        modelBuilder.Entity<VettingDecision>(e =>
        {
            e.Property(d => d.Decision).HasMaxLength(20);
            e.Property(d => d.Method).HasMaxLength(20);
            e.Property(d => d.Reason).HasMaxLength(1000);
            e.HasIndex(d => d.ParticipantId);
        });
        modelBuilder.Entity<Membership>(e =>
        {
            e.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(m => new { m.OrganizationId, m.IndividualId }).IsUnique();
            e.HasIndex(m => m.IndividualId);
        });
        modelBuilder.Entity<DeclinedInvitation>(e =>
        {
            e.HasKey(d => new { d.OrganizationId, d.IndividualId });
            e.HasIndex(d => d.IndividualId);
        });
    }
}
