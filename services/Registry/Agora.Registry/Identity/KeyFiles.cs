using System.Security.Cryptography;
using Agora.Registry.Privacy;
using Microsoft.IdentityModel.Tokens;

namespace Agora.Registry.Identity;

/// <summary>
/// The OpenID Connect provider's RSA keys, read from PEM files named in configuration
/// (<c>Registry:Identity:SigningKeyFile</c>, <c>Registry:Identity:EncryptionKeyFile</c>).
/// Locations and generation follow <see cref="KeyLocations"/>.
/// <para>
/// Rotation: <c>Registry:Identity:PreviousSigningKeyFiles:&lt;n&gt;</c> and
/// <c>Registry:Identity:PreviousEncryptionKeyFiles:&lt;n&gt;</c> name older keys that no longer sign
/// or encrypt but still validate and decrypt (and, for signing keys, are still published in the
/// JWKS), so tokens issued before a rotation keep working until they expire.
/// </para>
/// </summary>
public static class KeyFiles
{
    public const string SigningKeySetting = "Registry:Identity:SigningKeyFile";
    public const string EncryptionKeySetting = "Registry:Identity:EncryptionKeyFile";
    public const string PreviousSigningKeysSetting = "Registry:Identity:PreviousSigningKeyFiles";
    public const string PreviousEncryptionKeysSetting = "Registry:Identity:PreviousEncryptionKeyFiles";

    /// <summary>The previous keys named under <paramref name="setting"/> (a list); each file must exist.</summary>
    public static List<RsaSecurityKey> LoadPrevious(IConfiguration configuration, string setting) =>
        configuration.GetSection(setting).GetChildren()
            .Select(c => c.Value)
            .Where(path => !string.IsNullOrWhiteSpace(path))
            .Select(path => File.Exists(path) ? Read(path!) : throw new InvalidOperationException($"A key file named by {setting} does not exist."))
            .ToList();

    public static RsaSecurityKey Load(IConfiguration configuration, IHostEnvironment environment, string setting, string defaultName)
    {
        var path = KeyLocations.PathFor(configuration, setting, defaultName);
        if (!File.Exists(path))
        {
            if (!KeyLocations.MayGenerate(configuration, environment))
            {
                throw new InvalidOperationException($"The key file named by {setting} does not exist.");
            }
            using var fresh = RSA.Create(2048);
            KeyLocations.WriteNew(path, fresh.ExportPkcs8PrivateKeyPem());
        }
        return Read(path);
    }

    private static RsaSecurityKey Read(string path)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        var id = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportRSAPublicKey()))[..16];
        return new RsaSecurityKey(rsa) { KeyId = id };
    }
}
