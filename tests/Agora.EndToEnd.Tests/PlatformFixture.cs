using Agora.Testing;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// The whole platform as real processes on fresh databases and a fresh vhost: migrations by the
/// <c>--migrate</c> step, then the four services and the gateway on free ports, as <c>make run</c> does.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public static readonly string[] Services = ["Registry", "Workshops", "Charter", "Notifications"];
    private readonly List<PlatformProcess> processes = [];
    private readonly Dictionary<string, string> common = new()
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Logging__Console__FormatterName"] = "json",
        ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
        ["Logging__LogLevel__Yarp.ReverseProxy.Forwarder"] = "Information",
        ["Messaging__Outbox__PollInterval"] = "00:00:00.050",
    };

    public Dictionary<string, (int RestPort, int GrpcPort)> Ports { get; } = [];
    private (int RestPort, int GrpcPort) gatewayPorts;
    public Dictionary<string, string> Databases { get; } = [];
    public PlatformProcess Gateway { get; private set; } = null!;
    public Uri GatewayRest { get; private set; } = null!;
    public Uri GatewayGrpc { get; private set; } = null!;
    public Dictionary<string, PlatformProcess> ServiceProcesses { get; } = [];

    public async Task InitializeAsync()
    {
        var infra = await TestInfrastructure.GetAsync();
        common["ConnectionStrings__rabbitmq"] = (await infra.CreateVirtualHostAsync("e2e")).ToString();
        foreach (var service in Services)
        {
            var key = service.ToLowerInvariant();
            Databases[key] = await infra.CreateDatabaseAsync("e2e_" + key);
            Ports[key] = (TestInfrastructure.FreePort(), TestInfrastructure.FreePort());
        }
        common["Agora__Auth__Authority"] = $"http://127.0.0.1:{Ports["registry"].RestPort}/";
        // The registry issues tokens under the public (gateway) address, where front ends find it.
        gatewayPorts = (TestInfrastructure.FreePort(), TestInfrastructure.FreePort());
        common["Agora__Auth__Issuer"] = $"http://127.0.0.1:{gatewayPorts.RestPort}/";

        await Task.WhenAll(Services.Select(async service =>
        {
            await using var migrate = PlatformProcess.Start(ProjectDir(service), ServiceEnvironment(service), "--migrate");
            var code = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(code == 0, $"{service} --migrate exited {code}:\n{migrate.OutputText}");
        }));
        foreach (var service in Services)
        {
            var process = PlatformProcess.Start(ProjectDir(service), ServiceEnvironment(service));
            processes.Add(process);
            ServiceProcesses[service.ToLowerInvariant()] = process;
        }
        (Gateway, GatewayRest, GatewayGrpc) = StartGateway(new Dictionary<string, string>(), gatewayPorts);
        using var http = new HttpClient { BaseAddress = GatewayRest };
        await Eventually.UntilAsync(async () =>
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"{dead.Name} exited:\n{dead.OutputText}");
            }
            try
            {
                return (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(120), "the gateway and every service are ready");
    }

    /// <summary>Starts another gateway in front of the same services, with extra settings.</summary>
    public (PlatformProcess Process, Uri RestUri, Uri GrpcUri) StartGateway(IReadOnlyDictionary<string, string> settings, (int RestPort, int GrpcPort)? fixedPorts = null)
    {
        var (rest, grpc) = fixedPorts ?? (TestInfrastructure.FreePort(), TestInfrastructure.FreePort());
        var env = new Dictionary<string, string>(common)
        {
            ["Agora__RestPort"] = $"{rest}",
            ["Agora__GrpcPort"] = $"{grpc}",
            ["Gateway__RateLimitPermits"] = "100000",
        };
        foreach (var (service, ports) in Ports)
        {
            env[$"ReverseProxy__Clusters__{service}__Destinations__primary__Address"] = $"http://127.0.0.1:{ports.GrpcPort}";
        }
        foreach (var (key, value) in settings)
        {
            env[key] = value;
        }
        var process = PlatformProcess.Start("gateway/Agora.Gateway", env);
        processes.Add(process);
        return (process, new Uri($"http://127.0.0.1:{rest}"), new Uri($"http://127.0.0.1:{grpc}"));
    }

    /// <summary>
    /// Starts another instance of <paramref name="service"/> (e.g. <c>Registry</c>) on ports of its own, configured as the
    /// platform's with <paramref name="settings"/> over it (e.g. a database or broker address nothing answers on).
    /// </summary>
    public (PlatformProcess Process, Uri RestUri) StartService(string service, IReadOnlyDictionary<string, string> settings)
    {
        var rest = TestInfrastructure.FreePort();
        var env = ServiceEnvironment(service);
        env["Agora__RestPort"] = $"{rest}";
        env["Agora__GrpcPort"] = $"{TestInfrastructure.FreePort()}";
        foreach (var (key, value) in settings)
        {
            env[key] = value;
        }
        var process = PlatformProcess.Start(ProjectDir(service), env);
        processes.Add(process);
        return (process, new Uri($"http://127.0.0.1:{rest}"));
    }

    /// <summary>
    /// Runs one of <paramref name="service"/>'s operator commands (e.g. the registry's <c>--grant-role steering &lt;email&gt;</c>)
    /// with the platform's configuration, as an operator would, and fails the test unless it exits 0.
    /// </summary>
    public async Task RunCommandAsync(string service, string arguments)
    {
        await using var command = PlatformProcess.Start(ProjectDir(service), ServiceEnvironment(service), arguments);
        var code = await command.WaitForExitAsync(TimeSpan.FromMinutes(1));
        Assert.True(code == 0, $"{service} {arguments} exited {code}:\n{command.OutputText}");
    }

    private static string ProjectDir(string service) => $"services/{service}/Agora.{service}";

    private Dictionary<string, string> ServiceEnvironment(string service)
    {
        var key = service.ToLowerInvariant();
        var registry = Ports["registry"];
        return new Dictionary<string, string>(common)
        {
            ["Workshops__RegistryGrpc"] = $"http://127.0.0.1:{registry.GrpcPort}",
            ["Charter__RegistryGrpc"] = $"http://127.0.0.1:{registry.GrpcPort}",
            ["Notifications__RegistryGrpc"] = $"http://127.0.0.1:{registry.GrpcPort}",
            ["Notifications__Auth__TokenEndpoint"] = $"http://127.0.0.1:{registry.RestPort}/connect/token",
            ["Notifications__Smtp__Port"] = $"{TestInfrastructure.FreePort()}", // nothing listens: email deliveries wait and retry
            [$"ConnectionStrings__{key}db"] = Databases[key],
            ["Agora__RestPort"] = $"{Ports[key].RestPort}",
            ["Agora__GrpcPort"] = $"{Ports[key].GrpcPort}",
        };
    }

    public async Task DisposeAsync()
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
