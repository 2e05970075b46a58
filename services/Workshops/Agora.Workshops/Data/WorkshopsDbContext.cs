using Agora.Messaging;
using Agora.Workshops.Calendars;
using Agora.Workshops.Contributions;
using Agora.Workshops.Erasure;
using Agora.Workshops.Minutes;
using Agora.Workshops.OpenSpace;
using Agora.Workshops.Profiles;
using Agora.Workshops.Programme;
using Agora.Workshops.Registrations;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Data;

public sealed class WorkshopsDbContext(DbContextOptions<WorkshopsDbContext> options) : DbContext(options)
{
    /// <summary>No two live sessions share a room (venue + room, case-insensitive) at overlapping times.</summary>
    public const string RoomOverlapConstraint = "ex_sessions_room_overlap";

    public const string OneLiveRegistrationIndex = "ux_registrations_live_per_participant";

    public DbSet<Workshop> Workshops => Set<Workshop>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<SeatReservation> SeatReservations => Set<SeatReservation>();

    public DbSet<Registration> Registrations => Set<Registration>();

    public DbSet<ParticipantProfile> Profiles => Set<ParticipantProfile>();

    public DbSet<Contribution> Contributions => Set<Contribution>();

    public DbSet<MinutesVersion> Minutes => Set<MinutesVersion>();

    public DbSet<Post> Posts => Set<Post>();

    public DbSet<PostEvent> PostEvents => Set<PostEvent>();

    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();

    public DbSet<ErasedParticipant> ErasedParticipants => Set<ErasedParticipant>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();

        modelBuilder.Entity<Workshop>(e =>
        {
            e.ToTable("workshops");
            e.Property(w => w.Theme).HasMaxLength(100);
            e.Property(w => w.TitleAr).HasMaxLength(300);
            e.Property(w => w.TitleFr).HasMaxLength(300);
            e.Property(w => w.TitleEn).HasMaxLength(300);
            e.Property(w => w.DescriptionAr).HasMaxLength(4000);
            e.Property(w => w.DescriptionFr).HasMaxLength(4000);
            e.Property(w => w.DescriptionEn).HasMaxLength(4000);
            e.Property(w => w.Status).HasMaxLength(20);
            e.HasIndex(w => w.Status);
        });

        modelBuilder.Entity<Session>(e =>
        {
            e.ToTable("sessions", t =>
            {
                t.HasCheckConstraint("ck_sessions_ends_after_start", "ends_at > starts_at");
                t.HasCheckConstraint("ck_sessions_capacity_positive", "capacity > 0");
            });
            e.Property(s => s.Mode).HasMaxLength(20);
            e.Property(s => s.Venue).HasMaxLength(200);
            e.Property(s => s.Room).HasMaxLength(100);
            e.Property(s => s.Link).HasMaxLength(500);
            e.Property(s => s.CancellationReason).HasMaxLength(SessionCancellation.MaxReasonLength);
            e.Property(s => s.CancellationCause).HasMaxLength(50);
            e.HasIndex(s => s.WorkshopId);
            e.HasIndex(s => s.StartsAt);
            e.HasOne<Workshop>().WithMany().HasForeignKey(s => s.WorkshopId);
            e.HasMany(s => s.Reservations).WithOne().HasForeignKey(r => r.SessionId);
        });

        modelBuilder.Entity<SeatReservation>(e =>
        {
            e.ToTable("seat_reservations", t => t.HasCheckConstraint("ck_seat_reservations_seats_positive", "seats > 0"));
            e.HasKey(r => new { r.SessionId, r.Constituency });
            e.Property(r => r.Constituency).HasMaxLength(100);
        });

        modelBuilder.Entity<Registration>(e =>
        {
            e.ToTable("registrations");
            e.Property(r => r.Status).HasMaxLength(20);
            e.Property(r => r.SeatPool).HasMaxLength(100);
            e.Property(r => r.CheckInCode).HasMaxLength(40);
            e.HasIndex(r => r.CheckInCode).IsUnique();
            e.HasIndex(r => new { r.SessionId, r.ParticipantId }).IsUnique()
                .HasFilter("status <> 'cancelled'").HasDatabaseName(OneLiveRegistrationIndex);
            e.HasIndex(r => new { r.SessionId, r.Status, r.Sequence });
            e.HasIndex(r => r.ParticipantId);
            e.HasIndex(r => r.WorkshopId);
            e.HasOne<Session>().WithMany().HasForeignKey(r => r.SessionId);
        });

        modelBuilder.Entity<ParticipantProfile>(e =>
        {
            e.ToTable("participant_profiles");
            e.HasKey(p => p.ParticipantId);
            e.Property(p => p.Kind).HasMaxLength(20);
            e.Property(p => p.Governorate).HasMaxLength(50);
            e.Property(p => p.Gender).HasMaxLength(20);
            e.Property(p => p.AgeBand).HasMaxLength(20);
            e.Property(p => p.Occupation).HasMaxLength(50);
        });

        modelBuilder.Entity<Contribution>(e =>
        {
            e.ToTable("contributions");
            e.Property(c => c.Type).HasMaxLength(20);
            e.Property(c => c.Language).HasMaxLength(2);
            e.Property(c => c.Theme).HasMaxLength(100);
            e.Property(c => c.Text).HasMaxLength(Contribution.MaxLength);
            e.Property(c => c.OriginalText).HasMaxLength(Contribution.MaxLength);
            e.Property(c => c.Status).HasMaxLength(20);
            e.HasIndex(c => c.WorkshopId);
            e.HasIndex(c => c.AuthorId);
            e.HasOne<Workshop>().WithMany().HasForeignKey(c => c.WorkshopId);
        });

        modelBuilder.Entity<MinutesVersion>(e =>
        {
            e.ToTable("minutes_versions");
            e.Property(m => m.Markdown).HasMaxLength(MinutesVersion.MaxLength);
            e.HasIndex(m => new { m.WorkshopId, m.Version }).IsUnique();
            e.HasOne<Workshop>().WithMany().HasForeignKey(m => m.WorkshopId);
        });

        modelBuilder.Entity<Post>(e =>
        {
            e.ToTable("posts");
            e.Property(p => p.Body).HasMaxLength(Post.MaxLength);
            e.Property(p => p.Language).HasMaxLength(2);
            e.HasIndex(p => new { p.WorkshopId, p.CreatedAt });
            e.HasIndex(p => p.AuthorId);
            e.HasOne<Workshop>().WithMany().HasForeignKey(p => p.WorkshopId);
            e.HasOne<Post>().WithMany().HasForeignKey(p => p.ParentId);
        });

        modelBuilder.Entity<PostEvent>(e =>
        {
            e.ToTable("post_events");
            e.Property(p => p.Action).HasMaxLength(20);
            e.Property(p => p.Reason).HasMaxLength(500);
            e.HasIndex(p => p.PostId);
            e.HasIndex(p => new { p.PostId, p.ActorId }).IsUnique().HasFilter("action = 'reported' AND actor_id IS NOT NULL")
                .HasDatabaseName("ux_post_events_one_report_per_person");
            e.HasOne<Post>().WithMany().HasForeignKey(p => p.PostId);
        });

        modelBuilder.Entity<CalendarFeed>(e =>
        {
            e.ToTable("calendar_feeds");
            e.HasKey(f => f.ParticipantId);
            e.Property(f => f.TokenHash).HasMaxLength(32);
            e.Property(f => f.Language).HasMaxLength(2);
            e.HasIndex(f => f.TokenHash).IsUnique();
        });

        modelBuilder.Entity<ErasedParticipant>(e =>
        {
            e.ToTable("erased_participants");
            e.HasKey(x => x.ParticipantId);
            e.Property(x => x.ParticipantId).ValueGeneratedNever();
        });
    }
}
