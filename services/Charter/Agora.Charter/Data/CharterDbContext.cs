using Agora.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Data;

public sealed class CharterDbContext(DbContextOptions<CharterDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
