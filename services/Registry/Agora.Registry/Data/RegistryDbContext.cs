using Agora.Messaging;
using Agora.Registry.Participants;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Data;

public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options)
{
    public DbSet<Participant> Participants => Set<Participant>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<Participant>(e =>
        {
            e.Property(p => p.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.PreferredLanguage).HasMaxLength(2);
            e.Property(p => p.DisplayName).HasMaxLength(Participant.DisplayNameMaxLength);
            e.Property(p => p.Email).HasMaxLength(Participant.EmailMaxLength);
            e.HasIndex(p => p.Email).IsUnique();
        });
    }
}
