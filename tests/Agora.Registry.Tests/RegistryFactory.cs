using Agora.Registry;
using Agora.Registry.Data;
using Agora.Testing;

namespace Agora.Registry.Tests;

public class RegistryFactory() : ServiceFactory<RegistryMarker, RegistryDbContext>("registrydb")
{
    /// <summary>A privacy key file of this factory's own, outside the database.</summary>
    public string KeyFile { get; } = Path.Combine(Path.GetTempPath(), $"agora-registry-{Guid.NewGuid():N}.key");

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Registry:Privacy:KeyFile", KeyFile),
        new("Registry:RateLimits:SignInPerMinute", "10000"),
        new("Registry:RateLimits:RegistrationPerMinute", "10000"),
        .. ExtraSettings,
    ];

    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings => [];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(KeyFile);
        GC.SuppressFinalize(this);
    }
}
