using System.Text.Json;
using Agora.ServiceDefaults;
using Npgsql;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Agora.Registry.Identity;

/// <summary>
/// Registers the OpenID Connect clients from configuration at start-up (once the database is
/// migrated): the public front ends <c>agora-web</c> and <c>agora-mobile</c> (authorization code +
/// PKCE, refresh tokens), the <c>agora-notifications</c> service (client credentials, scope
/// <c>registry.contacts</c>) and the partner NGOs under <c>Registry:Identity:Partners</c>
/// (client credentials, role <c>partner</c>).
/// </summary>
public sealed class ClientSeeding(IServiceProvider services, IConfiguration configuration, ILogger<ClientSeeding> logger) : BackgroundService
{
    public const string RolesProperty = "roles";
    public const string NotificationsClient = "agora-notifications";
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once every configured client is registered.</summary>
    public Task Ready => ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SeedAsync(stoppingToken);
                ready.TrySetResult();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // Not migrated yet: the migration step runs apart from the service.
            }
            catch (Exception e) when (e.Find<NpgsqlException>() is not null) // also wrapped by EF Core's retry strategy
            {
                // The service stays up (live, not ready) and tries again, waiting longer each time up to 5 s.
                logger.LogWarning("The registry database is not reachable yet; OpenID Connect clients will be registered when it is.");
            }
            await Task.Delay(wait, stoppingToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private async Task SeedAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var descriptor in Descriptors())
        {
            var existing = await manager.FindByClientIdAsync(descriptor.ClientId!, ct);
            if (existing is null)
            {
                await manager.CreateAsync(descriptor, ct);
            }
            else
            {
                await manager.UpdateAsync(existing, descriptor, ct);
            }
        }
    }

    private IEnumerable<OpenIddictApplicationDescriptor> Descriptors()
    {
        foreach (var (clientId, display) in new[] { ("agora-web", "Agora web"), ("agora-mobile", "Agora mobile") })
        {
            var section = configuration.GetSection($"Registry:Identity:Clients:{clientId}");
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = clientId,
                DisplayName = display,
                ClientType = ClientTypes.Public,
                ConsentType = ConsentTypes.Implicit,
                Permissions =
                {
                    Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                    Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                    Permissions.Scopes.Profile, Permissions.Scopes.Roles,
                },
                Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            };
            foreach (var uri in section.GetSection("RedirectUris").Get<string[]>() ?? [])
            {
                descriptor.RedirectUris.Add(new Uri(uri));
            }
            foreach (var uri in section.GetSection("PostLogoutRedirectUris").Get<string[]>() ?? [])
            {
                descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
            }
            yield return descriptor;
        }

        if (configuration[$"Registry:Identity:Clients:{NotificationsClient}:Secret"] is { Length: > 0 } notificationsSecret)
        {
            yield return Confidential(NotificationsClient, "Agora notifications", notificationsSecret, [], [IdentitySetup.ContactsScope]);
        }
        foreach (var partner in configuration.GetSection("Registry:Identity:Partners").GetChildren())
        {
            if (partner["Secret"] is { Length: > 0 } secret)
            {
                yield return Confidential(partner.Key, partner["DisplayName"] ?? partner.Key, secret, [Roles.Partner], []);
            }
        }
    }

    private static OpenIddictApplicationDescriptor Confidential(string clientId, string display, string secret, string[] roles, string[] scopes)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            DisplayName = display,
            ClientType = ClientTypes.Confidential,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
        descriptor.Properties[RolesProperty] = JsonSerializer.SerializeToElement(roles);
        return descriptor;
    }
}
