using Agora.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Data;

public sealed class WorkshopsDbContext(DbContextOptions<WorkshopsDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
