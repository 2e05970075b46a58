using Agora.Registry.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Registry.Tests.Identity;

public sealed class DataProtectionKeyRingTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    [Fact]
    public async Task A_second_replica_reads_what_the_first_protected_because_the_key_ring_is_in_the_database()
    {
        var protectedByFirst = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Protect("session-state");

        // Another registry process on the same database: nothing shared but the database.
        var secondReplica = new ServiceCollection()
            .AddDbContext<RegistryDbContext>(o => o.UseNpgsql(factory.DatabaseConnectionString).UseSnakeCaseNamingConvention())
            .AddDataProtection().SetApplicationName("agora-registry").PersistKeysToDbContext<RegistryDbContext>()
            .Services.BuildServiceProvider();
        var readBySecond = secondReplica.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Unprotect(protectedByFirst);

        Assert.Equal("session-state", readBySecond);
        await using var scope = factory.Scope(out var db);
        Assert.True(await db.DataProtectionKeys.AnyAsync());
        await secondReplica.DisposeAsync();
    }
}
