using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agora.ServiceDefaults;

/// <summary>An erasure tombstone as a service reads it from its own table: the id and when it was erased.</summary>
public sealed record ErasedRow(Guid ParticipantId, DateTimeOffset ErasedAt);

/// <summary>
/// Reads a service's erasure tombstones, those erased after <c>since</c> (all of them when null), with the services
/// of a scope of its own (its DbContext).
/// </summary>
public delegate Task<IReadOnlyList<ErasedRow>> ErasedSince(IServiceProvider services, DateTimeOffset? since, CancellationToken ct);

/// <summary>
/// The ids of erased participants, held in memory so that every request can refuse an erased person's access token
/// (still valid for up to 15 minutes after the erasure) without a query: loaded in full once, then read again every
/// <c>Agora:Auth:ErasedRefresh</c> (5 s by default) from the tombstones erased since the last one seen, so every
/// replica learns of an erasure within that interval; the consumer of <c>ParticipantErased</c> also adds the id at once
/// in its own process. Until the first load succeeded no token is accepted: a request tries the load itself, and is
/// refused with a 503 (retry later) when it fails; <c>/health/ready</c> reports the list until then.
/// </summary>
public sealed class ErasedParticipants(IServiceScopeFactory scopes, ErasedSince read, ILogger<ErasedParticipants> logger) : IDisposable
{
    /// <summary>
    /// How far back each incremental read starts before the latest tombstone seen: a tombstone's time is taken before
    /// its transaction commits (and on another replica's clock), so one committed late may carry an earlier time.
    /// </summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<Guid, byte> ids = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private DateTimeOffset? latest;
    private volatile bool loaded;
    private long failedAt = long.MinValue / 2;

    /// <summary>True once the tombstones were read in full at least once.</summary>
    public bool Loaded => loaded;

    public bool Contains(Guid participantId) => ids.ContainsKey(participantId);

    /// <summary>Adds an erasure known in this process (its consumer, after the commit) before the next read.</summary>
    public void Add(Guid participantId) => ids.TryAdd(participantId, 0);

    /// <summary>Reads the tombstones erased since the last read (all of them the first time). One read at a time.</summary>
    public Task RefreshAsync(CancellationToken ct) => ReadAsync(firstOnly: false, ct);

    private async Task ReadAsync(bool firstOnly, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (firstOnly && loaded)
            {
                return; // Loaded by the request (or the refresh) this one waited for.
            }
            await using var scope = scopes.CreateAsyncScope();
            var rows = await read(scope.ServiceProvider, latest - Overlap, ct);
            foreach (var row in rows)
            {
                ids.TryAdd(row.ParticipantId, 0);
                if (latest is null || row.ErasedAt > latest)
                {
                    latest = row.ErasedAt;
                }
            }
            loaded = true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// True when the list is loaded, trying a first load now if it is not (requests waiting at once share one read); false
    /// when that fails, and for a second after a failure without trying again, so an unreachable database is not hammered.
    /// </summary>
    public async ValueTask<bool> EnsureLoadedAsync(CancellationToken ct)
    {
        if (loaded)
        {
            return true;
        }
        if (Environment.TickCount64 - Volatile.Read(ref failedAt) < 1_000)
        {
            return false;
        }
        try
        {
            await ReadAsync(firstOnly: true, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Volatile.Write(ref failedAt, Environment.TickCount64);
            logger.LogWarning("The erased participants could not be loaded: {ExceptionType}", e.GetType().Name);
            return false;
        }
    }

    public void Dispose() => gate.Dispose();
}

public static class ErasedParticipantsSetup
{
    /// <summary>
    /// Refuses the access tokens of the participants <paramref name="read"/> finds erased (see <see cref="ErasedParticipants"/>):
    /// the list, its refresh every <c>Agora:Auth:ErasedRefresh</c> and its readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddErasedParticipants(this IHostApplicationBuilder builder, ErasedSince read)
    {
        var interval = builder.Configuration.GetValue("Agora:Auth:ErasedRefresh", TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(sp => new ErasedParticipants(
            sp.GetRequiredService<IServiceScopeFactory>(), read, sp.GetRequiredService<ILogger<ErasedParticipants>>()));
        builder.Services.AddHostedService(sp => new ErasedParticipantsRefresh(
            sp.GetRequiredService<ErasedParticipants>(), interval, sp.GetRequiredService<ILogger<ErasedParticipantsRefresh>>()));
        builder.Services.AddHealthChecks().AddCheck<ErasedParticipantsLoaded>("erased-participants", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>Reads the tombstones again every interval (wall-clock time: this is how late a replica may learn of an erasure).</summary>
    private sealed class ErasedParticipantsRefresh(ErasedParticipants erased, TimeSpan interval, ILogger<ErasedParticipantsRefresh> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                while (true)
                {
                    try
                    {
                        await erased.RefreshAsync(stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning("The erased participants could not be read: {ExceptionType}", e.GetType().Name);
                    }
                    await Task.Delay(interval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping.
            }
        }
    }

    private sealed class ErasedParticipantsLoaded(ErasedParticipants erased) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await erased.EnsureLoadedAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The erased participants are not loaded: no access token is accepted.");
    }
}
