using Agora.Messaging;
using Agora.Notifications.Inbox;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notifications.Data;

public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    public DbSet<InAppNotification> Notifications => Set<InAppNotification>();

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
    }
}
