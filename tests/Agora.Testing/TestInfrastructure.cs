using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Agora.Testing;

/// <summary>
/// A real PostgreSQL and RabbitMQ for tests, one pair per test run, from (in this order):
/// <list type="number">
/// <item><c>AGORA_TEST_POSTGRES</c> / <c>AGORA_TEST_RABBITMQ</c> (+ <c>AGORA_TEST_RABBITMQ_MANAGEMENT</c>) when set — <c>make test</c> and CI set them;</item>
/// <item>Testcontainers when a Docker daemon is reachable;</item>
/// <item>otherwise throwaway local instances started from the machine's binaries by <c>deploy/local/infra.sh</c>.</item>
/// </list>
/// Test classes isolate themselves with <see cref="CreateDatabaseAsync"/> and <see cref="CreateVirtualHostAsync"/>.
/// </summary>
public sealed class TestInfrastructure
{
    private static readonly Lazy<Task<TestInfrastructure>> Instance = new(StartAsync);

    private TestInfrastructure(string postgres, Uri rabbitMq, Uri management, string source)
    {
        PostgresServer = postgres;
        RabbitMq = rabbitMq;
        Management = management;
        Source = source;
    }

    public static Task<TestInfrastructure> GetAsync() => Instance.Value;

    /// <summary>Connection string to the server (no database chosen), as a superuser.</summary>
    public string PostgresServer { get; }

    /// <summary>amqp:// URI of the broker's default vhost.</summary>
    public Uri RabbitMq { get; }

    /// <summary>The broker's management API (with credentials in the user info).</summary>
    public Uri Management { get; }

    /// <summary>Which of the three sources is in use: env, testcontainers or local.</summary>
    public string Source { get; }

    /// <summary>Creates an empty database named after <paramref name="prefix"/> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = UniqueName(prefix);
        await using (var connection = new NpgsqlConnection(PostgresServer))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ConnectionString;
    }

    /// <summary>Creates a vhost the default user may use and returns its amqp:// URI.</summary>
    public async Task<Uri> CreateVirtualHostAsync(string prefix)
    {
        var name = UniqueName(prefix);
        using var http = ManagementClient();
        (await http.PutAsync(new Uri($"api/vhosts/{name}", UriKind.Relative), null)).EnsureSuccessStatusCode();
        var user = Uri.UnescapeDataString(RabbitMq.UserInfo.Split(':')[0]);
        (await http.PutAsJsonAsync(new Uri($"api/permissions/{name}/{Uri.EscapeDataString(user)}", UriKind.Relative),
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new UriBuilder(RabbitMq) { Path = "/" + name }.Uri;
    }

    /// <summary>Deletes a vhost made by <see cref="CreateVirtualHostAsync"/>, with whatever it holds.</summary>
    public async Task DeleteVirtualHostAsync(Uri vhost)
    {
        using var http = ManagementClient();
        (await http.DeleteAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(vhost.AbsolutePath.TrimStart('/'))}", UriKind.Relative))).EnsureSuccessStatusCode();
    }

    /// <summary>An HTTP client on the broker's management API, authenticated.</summary>
    public HttpClient ManagementClient()
    {
        var userInfo = Uri.UnescapeDataString(Management.UserInfo);
        var http = new HttpClient { BaseAddress = new UriBuilder(Management) { UserName = "", Password = "" }.Uri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        return http;
    }

    private static string UniqueName(string prefix) =>
        $"{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(30).ToArray())}_{Guid.NewGuid():N}"[..^20];

    private static async Task<TestInfrastructure> StartAsync()
    {
        var pg = Environment.GetEnvironmentVariable("AGORA_TEST_POSTGRES");
        var mq = Environment.GetEnvironmentVariable("AGORA_TEST_RABBITMQ");
        if (!string.IsNullOrEmpty(pg) && !string.IsNullOrEmpty(mq))
        {
            var mgmt = Environment.GetEnvironmentVariable("AGORA_TEST_RABBITMQ_MANAGEMENT");
            var mqUri = new Uri(mq);
            return new TestInfrastructure(pg, mqUri,
                string.IsNullOrEmpty(mgmt) ? new UriBuilder("http", mqUri.Host, 15672) { UserName = "guest", Password = "guest" }.Uri : new Uri(mgmt),
                "env");
        }
        if (DockerIsAvailable())
        {
            return await StartContainersAsync();
        }
        return await StartLocalAsync();
    }

    private static bool DockerIsAvailable()
    {
        try
        {
            return TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static async Task<TestInfrastructure> StartContainersAsync()
    {
        var postgres = new PostgreSqlBuilder("postgres:15-alpine").Build();
        var rabbit = new RabbitMqBuilder("rabbitmq:3-management-alpine").WithPortBinding(15672, true).Build();
        await Task.WhenAll(postgres.StartAsync(), rabbit.StartAsync());
        var amqp = new Uri(rabbit.GetConnectionString());
        var management = new UriBuilder("http", rabbit.Hostname, rabbit.GetMappedPublicPort(15672)) { UserName = amqp.UserInfo.Split(':')[0], Password = amqp.UserInfo.Split(':')[1] }.Uri;
        var server = new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { Database = "postgres" }.ConnectionString;
        return new TestInfrastructure(server, amqp, management, "testcontainers");
    }

    private static async Task<TestInfrastructure> StartLocalAsync()
    {
        var dir = Directory.CreateTempSubdirectory("agora-test-").FullName;
        // PostgreSQL runs as the postgres account when the tests run as root: it must reach its folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var pgPort = FreePort();
        var amqpPort = FreePort();
        var script = Path.Combine(RepositoryRoot(), "deploy", "local", "infra.sh");
        var env = new Dictionary<string, string> { ["AGORA_INFRA_DIR"] = dir, ["AGORA_PG_PORT"] = $"{pgPort}", ["AGORA_AMQP_PORT"] = $"{amqpPort}" };
        await RunAsync(script, "start custom", env);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAsync(script, "stop custom", env).GetAwaiter().GetResult();
        return new TestInfrastructure(
            $"Host=127.0.0.1;Port={pgPort};Username=postgres",
            new Uri($"amqp://guest:guest@127.0.0.1:{amqpPort}/"),
            new Uri($"http://guest:guest@127.0.0.1:{amqpPort + 1}/"),
            "local");
    }

    /// <summary>The folder that holds Platform.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string script, string arguments, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo("bash", $"{script} {arguments}") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {arguments} failed: {await stderr}");
        }
    }
}
