using System.Text.Json;
using Agora.Messaging;
using Agora.Notifications.Announcements;
using Agora.Notifications.Deliveries;
using Agora.Notifications.Inbox;
using Agora.Notifications.Preferences;
using Agora.Notifications.Recipients;
using Agora.Notifications.Reminders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Agora.Notifications.Data;

public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    public DbSet<InAppNotification> Notifications => Set<InAppNotification>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<KnownParticipant> Participants => Set<KnownParticipant>();
    public DbSet<WorkshopRegistrant> Registrants => Set<WorkshopRegistrant>();
    public DbSet<ErasedParticipant> Erased => Set<ErasedParticipant>();
    public DbSet<NotificationPreferences> Preferences => Set<NotificationPreferences>();
    public DbSet<SessionReminder> Reminders => Set<SessionReminder>();
    public DbSet<AppliedSchedule> Schedules => Set<AppliedSchedule>();
    public DbSet<Announcement> Announcements => Set<Announcement>();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static ValueConverter<T, string> JsonConverter<T>() where T : new() =>
        new(v => JsonSerializer.Serialize(v, Json), v => JsonSerializer.Deserialize<T>(v, Json) ?? new T());

    private static ValueComparer<T> JsonComparer<T>() where T : new() =>
        new((a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
            v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Json), Json) ?? new T());

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<InAppNotification>(e =>
        {
            e.Property(n => n.Category).HasMaxLength(50);
            e.Property(n => n.Language).HasMaxLength(2);
            e.Property(n => n.Title).HasMaxLength(300);
            e.HasIndex(n => new { n.ParticipantId, n.CreatedAt });
        });
        modelBuilder.Entity<Delivery>(e =>
        {
            e.ToTable("deliveries");
            e.Property(d => d.Channel).HasMaxLength(10);
            e.Property(d => d.Category).HasMaxLength(50);
            e.Property(d => d.TemplateKey).HasMaxLength(100);
            e.Property(d => d.Status).HasMaxLength(20);
            e.Property(d => d.Language).HasMaxLength(2);
            e.Property(d => d.LastError).HasMaxLength(500);
            e.Property(d => d.Parameters).HasColumnType("jsonb")
                .HasConversion(JsonConverter<Dictionary<string, string>>(), JsonComparer<Dictionary<string, string>>());
            e.HasIndex(d => new { d.EventId, d.ParticipantId, d.Channel }).IsUnique();
            e.HasIndex(d => d.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_deliveries_due");
            e.HasIndex(d => new { d.ParticipantId, d.Status });
        });
        modelBuilder.Entity<KnownParticipant>(e =>
        {
            e.HasKey(p => p.ParticipantId);
            e.Property(p => p.Kind).HasMaxLength(20);
            e.Property(p => p.Language).HasMaxLength(2);
            e.Property(p => p.Governorate).HasMaxLength(30);
            e.HasIndex(p => p.Governorate);
            e.HasIndex(p => p.Kind);
        });
        modelBuilder.Entity<WorkshopRegistrant>(e =>
        {
            e.HasKey(r => new { r.SessionId, r.ParticipantId });
            e.HasIndex(r => r.WorkshopId);
            e.HasIndex(r => r.ParticipantId);
        });
        modelBuilder.Entity<ErasedParticipant>(e => e.HasKey(p => p.ParticipantId));
        modelBuilder.Entity<NotificationPreferences>(e =>
        {
            e.HasKey(p => p.ParticipantId);
            e.Property(p => p.Language).HasMaxLength(2);
            e.Property(p => p.Channels).HasColumnType("jsonb")
                .HasConversion(JsonConverter<Dictionary<string, string[]>>(), JsonComparer<Dictionary<string, string[]>>());
        });
        modelBuilder.Entity<SessionReminder>(e =>
        {
            e.ToTable("session_reminders");
            e.Property(r => r.TemplateKey).HasMaxLength(100);
            e.HasIndex(r => new { r.SessionId, r.ParticipantId, r.TemplateKey }).IsUnique();
            e.HasIndex(r => r.DueAt).HasFilter("dispatched_at IS NULL").HasDatabaseName("ix_session_reminders_due");
        });
        modelBuilder.Entity<AppliedSchedule>(e =>
        {
            e.ToTable("session_schedules");
            e.HasKey(s => s.SessionId);
        });
        modelBuilder.Entity<Announcement>(e => e.Property(a => a.Segment).HasMaxLength(100));
    }
}
