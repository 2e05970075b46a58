using System.Security.Cryptography;
using Agora.Registry.Privacy;
using Microsoft.IdentityModel.Tokens;

namespace Agora.Registry.Identity;

/// <summary>
/// The OpenID Connect provider's RSA keys, read from PEM files named in configuration
/// (<c>Registry:Identity:SigningKeyFile</c>, <c>Registry:Identity:EncryptionKeyFile</c>).
/// Locations and generation follow <see cref="KeyLocations"/>.
/// </summary>
public static class KeyFiles
{
    public const string SigningKeySetting = "Registry:Identity:SigningKeyFile";
    public const string EncryptionKeySetting = "Registry:Identity:EncryptionKeyFile";

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
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        var id = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportRSAPublicKey()))[..16];
        return new RsaSecurityKey(rsa) { KeyId = id };
    }
}
