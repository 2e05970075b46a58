namespace Agora.Registry.Privacy;

/// <summary>
/// Where the registry's keys live — always outside the database. A setting names each file; when
/// a setting is left out the file defaults to <c>~/.local/share/agora/registry/</c> (the user's
/// local application data). A missing file is generated only in Development and Testing, or when
/// <c>Registry:Keys:GenerateIfMissing</c> is true (the local <c>make run</c> setup); production
/// sets it false and mounts the files from its secret store.
/// </summary>
public static class KeyLocations
{
    public const string GenerateSetting = "Registry:Keys:GenerateIfMissing";

    public static string PathFor(IConfiguration configuration, string setting, string fileName) =>
        configuration[setting] is { Length: > 0 } path
            ? path
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "agora", "registry", fileName);

    public static bool MayGenerate(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment("Testing") || configuration.GetValue(GenerateSetting, false);

    /// <summary>Writes a new key file atomically (aside, then renamed), readable by its owner only.</summary>
    public static void WriteNew(string path, string content)
    {
        var temporary = WriteAside(path, content);
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary); // another host created it first
        }
    }

    /// <summary>Replaces a key file atomically (written aside, then renamed over it), readable by its owner only.</summary>
    public static void Replace(string path, string content) => File.Move(WriteAside(path, content), path, overwrite: true);

    private static string WriteAside(string path, string content)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }
        return temporary;
    }
}
