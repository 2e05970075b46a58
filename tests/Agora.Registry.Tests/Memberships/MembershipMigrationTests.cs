using Agora.Registry.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Agora.Registry.Tests.Memberships;

/// <summary>A database of its own (the test rolls its schema back), hence a factory class of its own.</summary>
public sealed class MembershipMigrationFactory : RegistryFactory;

public sealed class MembershipMigrationTests(MembershipMigrationFactory factory) : IClassFixture<MembershipMigrationFactory>
{
    [Fact]
    public async Task Memberships_made_before_invitations_existed_are_migrated_as_accepted_and_new_rows_get_no_default()
    {
        await using var scope = factory.Scope(out var db);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync("DirectoryIndexes");
        var (id, org, individual) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO memberships (id, organization_id, individual_id, role, since) VALUES ({id}, {org}, {individual}, 'Spokesperson', now())");

        await migrator.MigrateAsync();

        var migrated = await db.Memberships.AsNoTracking().SingleAsync(m => m.Id == id);
        Assert.Equal((MembershipStatus.Active, MembershipRole.Spokesperson), (migrated.Status, migrated.Role));
        var columnDefault = await db.Database.SqlQuery<string?>(
            $"SELECT column_default AS \"Value\" FROM information_schema.columns WHERE table_name = 'memberships' AND column_name = 'status'").SingleAsync();
        Assert.Null(columnDefault);
    }
}
