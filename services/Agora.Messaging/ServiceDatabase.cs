using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Agora.Messaging;

/// <summary>Each service's own PostgreSQL database, its readiness check and its migration step.</summary>
public static class ServiceDatabase
{
    /// <summary>
    /// Registers <typeparamref name="TDbContext"/> on <c>ConnectionStrings:&lt;name&gt;</c> with snake_case names, and a readiness check.
    /// <paramref name="pooled"/> serves contexts from EF Core's pool instead of building one per scope
    /// (for a hot request path; the context must hold no state of its own).
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDbContext>(this IHostApplicationBuilder builder, string connectionName, bool pooled = false)
        where TDbContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not set.");
        void Configure(DbContextOptionsBuilder o) => o.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();
        if (pooled)
        {
            builder.Services.AddDbContextPool<TDbContext>(Configure);
        }
        else
        {
            builder.Services.AddDbContext<TDbContext>(Configure);
        }
        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: connectionName, tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// With <c>--migrate</c> on the command line, applies pending EF Core migrations and returns
    /// true (the caller exits); otherwise returns false and does nothing.
    /// </summary>
    public static async Task<bool> MigrateIfRequestedAsync<TDbContext>(this WebApplication app, string[] args)
        where TDbContext : DbContext
    {
        if (!args.Contains("--migrate"))
        {
            return false;
        }
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        await db.Database.MigrateAsync();
        app.Logger.LogInformation("Migrations applied for {DbContext}", db.GetType().Name);
        return true;
    }

    /// <summary>
    /// The save failed on a unique key or index: the insert lost a race with another one of the same thing, to answer
    /// as a conflict (409), not an error.
    /// </summary>
    public static bool IsUniqueViolation(this DbUpdateException e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>The save failed on the named unique or exclusion constraint.</summary>
    public static bool IsViolationOf(this DbUpdateException e, string constraint) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation or PostgresErrorCodes.UniqueViolation } pg
        && pg.ConstraintName == constraint;
}
