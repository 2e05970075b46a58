using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Agora.Bench;

/// <summary>
/// What the benches that start the real services share (compiled into each of them): loopback ports, a fresh
/// database for the run, and the services as child processes.
/// </summary>
internal static class BenchHost
{
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Creates the database <c>&lt;prefix&gt;_&lt;UTC time&gt;</c> on the server and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string server, string prefix)
    {
        var name = $"{prefix}_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await using (var c = new NpgsqlConnection(server))
        {
            await c.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string server, string database)
    {
        await using var c = new NpgsqlConnection(server);
        await c.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(database).Database}\" WITH (FORCE)", c);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>User + system CPU time the process has used so far, all its threads.</summary>
    public static TimeSpan CpuTime(Process p)
    {
        p.Refresh();
        return p.TotalProcessorTime;
    }

    /// <summary><c>dotnet &lt;dll&gt; &lt;arguments&gt;</c> in <paramref name="dir"/> with extra environment; its standard error is echoed, prefixed with the dll's name.</summary>
    public static Process Start(string dir, string dll, string arguments, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo("dotnet", $"{dll} {arguments}") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env)
        {
            info.Environment[k] = v;
        }
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[{dll}] {e.Data}"); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }
}

/// <summary>
/// The registry as the services' token issuer, stood in for: OpenID discovery and the JWKS at <see cref="Authority"/>
/// (mapped on the bench's own web app), and bearer tokens signed with its key.
/// </summary>
internal sealed class StandInIssuer(string authority)
{
    private readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "bench" };

    public string Authority { get; } = authority;

    public void MapEndpoints(WebApplication app)
    {
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["jwks_uri"] = Authority + "jwks",
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
    }

    /// <summary>An access token for the API (audience <c>agora-api</c>), valid for two hours.</summary>
    public string Token(Guid subject, string role)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = "agora-api",
            Subject = new ClaimsIdentity([new Claim("sub", subject.ToString()), new Claim("role", role)]),
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now.AddHours(2),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }
}
