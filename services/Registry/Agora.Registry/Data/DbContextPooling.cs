using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agora.Registry.Data;

public static class DbContextPooling
{
    /// <summary>
    /// Serves <see cref="RegistryDbContext"/> from a pool instead of building one per scope: a new
    /// context resolves and constructs EF Core's internal services (query translators, state
    /// manager, ...) each time, a measurable share of the CPU of every request (directory search,
    /// registration). The options are the ones <c>AddServiceDatabase</c> configured (Npgsql,
    /// snake_case); only the lifetime of the context changes. A pooled context is reset (change
    /// tracker cleared) before reuse, and this context keeps no state of its own.
    /// </summary>
    public static IServiceCollection PoolRegistryDbContext(this IServiceCollection services)
    {
        services.RemoveAll<RegistryDbContext>();
        services.RemoveAll<DbContextOptions<RegistryDbContext>>();
        services.AddDbContextPool<RegistryDbContext>(_ => { });
        return services;
    }
}
