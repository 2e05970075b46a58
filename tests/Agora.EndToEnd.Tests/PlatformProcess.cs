using System.Collections.Concurrent;
using System.Diagnostics;
using Agora.Testing;

namespace Agora.EndToEnd.Tests;

/// <summary>A built service or the gateway running as its own process, as <c>make run</c> starts it.</summary>
public sealed class PlatformProcess : IAsyncDisposable
{
    private readonly Process process;

    private PlatformProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    public string Name { get; }

    /// <summary>Every line the process wrote (stdout and stderr).</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Runs <c>dotnet &lt;project&gt;.dll args</c> from its build folder with <paramref name="environment"/>.</summary>
    public static PlatformProcess Start(string projectDir, IReadOnlyDictionary<string, string> environment, string arguments = "")
    {
        var dll = BuiltAssembly(projectDir);
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var started = new PlatformProcess(Path.GetFileName(projectDir), process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { started.Output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { started.Output.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    public bool HasExited => process.HasExited;

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    public string OutputText => string.Join('\n', Output);

    /// <summary>
    /// Waits (60 s at most) until the process answers <paramref name="healthPath"/> with a success through
    /// <paramref name="http"/>; fails at once, with its output, if it exits meanwhile.
    /// </summary>
    public Task WaitUntilAnswersAsync(HttpClient http, string healthPath = "/health/live") =>
        Eventually.UntilAsync(async () =>
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"{Name} exited:\n{OutputText}");
            }
            try
            {
                return (await http.GetAsync(new Uri(healthPath, UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), $"{Name} answers {healthPath}");

    /// <summary>The project's assembly in the same configuration (Debug/Release) as these tests.</summary>
    private static string BuiltAssembly(string projectDir)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var name = Path.GetFileName(projectDir);
        var path = Path.Combine(Testing.TestInfrastructure.RepositoryRoot(), projectDir, "bin", configuration, "net10.0", name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {projectDir} first", path);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
