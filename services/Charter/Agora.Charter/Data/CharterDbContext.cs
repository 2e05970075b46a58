using Agora.Charter.Adoption;
using Agora.Charter.Charters;
using Agora.Charter.Consensus;
using Agora.Charter.Constituencies;
using Agora.Charter.Plan;
using Agora.Charter.Statements;
using Agora.Charter.Votes;
using Agora.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Agora.Charter.Data;

public sealed class CharterDbContext(DbContextOptions<CharterDbContext> options) : DbContext(options)
{
    /// <summary>At most one open ballot per charter version (two openings at once: the second violates it).</summary>
    public const string OneOpenBallotIndex = "ux_ballots_one_open_per_version";

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<Statement> Statements => Set<Statement>();

    public DbSet<Vote> Votes => Set<Vote>();

    public DbSet<ParticipantProfile> Profiles => Set<ParticipantProfile>();

    public DbSet<ErasedParticipant> Erased => Set<ErasedParticipant>();

    public DbSet<AnalysisResult> AnalysisResults => Set<AnalysisResult>();

    public DbSet<CharterDocument> Charters => Set<CharterDocument>();

    public DbSet<CharterVersion> CharterVersions => Set<CharterVersion>();

    public DbSet<Article> Articles => Set<Article>();

    public DbSet<Amendment> Amendments => Set<Amendment>();

    public DbSet<AmendmentVote> AmendmentVotes => Set<AmendmentVote>();

    public DbSet<AmendmentVoteCast> AmendmentVoteCasts => Set<AmendmentVoteCast>();

    public DbSet<Ballot> Ballots => Set<Ballot>();

    public DbSet<BallotCast> BallotCasts => Set<BallotCast>();

    public DbSet<CoordinationGroup> CoordinationGroups => Set<CoordinationGroup>();

    public DbSet<PlanAction> Actions => Set<PlanAction>();

    public DbSet<Milestone> Milestones => Set<Milestone>();

    /// <summary>
    /// Every time is stored as UTC: PostgreSQL's timestamptz keeps an instant, and Npgsql refuses to write a
    /// <see cref="DateTimeOffset"/> with another offset (a time sent as 10:00+01:00, Tunisia's offset, is stored as 09:00Z).
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();

    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();

        modelBuilder.Entity<Conversation>(e =>
        {
            e.Property(c => c.Title).HasMaxLength(200);
            e.Property(c => c.Source).HasMaxLength(20);
            e.HasData(new Conversation
            {
                Id = Conversation.MainId,
                Title = "Agora",
                Source = "agora",
                CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            });
        });

        modelBuilder.Entity<Statement>(e =>
        {
            e.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(s => s.Theme).HasMaxLength(200);
            e.Property(s => s.Language).HasMaxLength(2);
            e.Property(s => s.ExternalKey).HasMaxLength(Statement.ExternalKeyMaxLength);
            e.HasIndex(s => s.SourceContributionId).IsUnique();
            e.HasIndex(s => new { s.ConversationId, s.Status });
            e.HasOne<Conversation>().WithMany().HasForeignKey(s => s.ConversationId);
        });

        modelBuilder.Entity<Vote>(e =>
        {
            e.Property(v => v.Id).UseIdentityByDefaultColumn();
            e.HasIndex(v => new { v.ConversationId, v.Id });
            e.HasIndex(v => new { v.ParticipantId, v.StatementId });
            e.HasIndex(v => v.StatementId);
            e.HasOne<Statement>().WithMany().HasForeignKey(v => v.StatementId);
        });

        modelBuilder.Entity<ParticipantProfile>(e =>
        {
            e.HasKey(p => p.ParticipantId);
            e.Property(p => p.Kind).HasMaxLength(20);
        });

        modelBuilder.Entity<ErasedParticipant>(e =>
        {
            e.ToTable("erased_participants");
            e.HasKey(p => p.ParticipantId);
        });

        modelBuilder.Entity<AnalysisResult>(e =>
        {
            e.HasKey(a => a.ConversationId);
            e.Property(a => a.Json).HasColumnType("jsonb");
        });

        modelBuilder.Entity<CharterVersion>(e =>
        {
            e.Property(v => v.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(v => new { v.CharterId, v.Number }).IsUnique();
            e.HasOne<CharterDocument>().WithMany().HasForeignKey(v => v.CharterId);
        });

        modelBuilder.Entity<Article>(e =>
        {
            e.HasIndex(a => new { a.VersionId, a.Number }).IsUnique();
            e.HasIndex(a => a.LineageId);
            e.HasOne<CharterVersion>().WithMany().HasForeignKey(a => a.VersionId);
        });

        modelBuilder.Entity<Amendment>(e =>
        {
            e.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(a => new { a.CharterId, a.VersionNumber });
        });

        modelBuilder.Entity<AmendmentVote>(e =>
        {
            e.Property(v => v.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(v => v.Outcome).HasMaxLength(40);
            e.HasIndex(v => v.AmendmentId).IsUnique();
            e.HasOne<Amendment>().WithMany().HasForeignKey(v => v.AmendmentId);
        });

        modelBuilder.Entity<AmendmentVoteCast>(e =>
        {
            e.Property(c => c.Choice).HasMaxLength(10);
            e.Property(c => c.College).HasMaxLength(20);
            e.HasIndex(c => new { c.VoteId, c.ParticipantId }).IsUnique();
            e.HasOne<AmendmentVote>().WithMany().HasForeignKey(c => c.VoteId);
        });

        modelBuilder.Entity<Ballot>(e =>
        {
            e.Property(b => b.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(b => b.CharterId);
            e.HasIndex(b => new { b.CharterId, b.VersionNumber }).IsUnique()
                .HasFilter("status = 'Open'").HasDatabaseName(OneOpenBallotIndex);
        });

        modelBuilder.Entity<BallotCast>(e =>
        {
            e.HasIndex(c => new { c.BallotId, c.ParticipantId }).IsUnique();
            e.Property(c => c.College).HasMaxLength(20);
        });

        modelBuilder.Entity<PlanAction>(e =>
        {
            e.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(a => a.ArticleId);
            e.HasIndex(a => a.Deadline);
        });

        modelBuilder.Entity<Milestone>(e => e.HasIndex(m => m.ActionId));
    }
}
