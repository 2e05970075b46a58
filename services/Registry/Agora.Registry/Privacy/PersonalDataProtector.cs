using System.Security.Cryptography;
using System.Text;

namespace Agora.Registry.Privacy;

/// <summary>
/// Encrypts personal data (contact details, demographic answers) with AES-256-GCM under a key
/// kept outside the database (a key file, <c>Registry:Privacy:KeyFile</c>), and computes a keyed
/// HMAC of the normalized email for uniqueness and look-up. Each ciphertext is bound to its row
/// and field (associated data), so a value copied to another row does not decrypt.
/// </summary>
public sealed class PersonalDataProtector
{
    public const string KeyFileSetting = "Registry:Privacy:KeyFile";
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] encryptionKey;
    private readonly byte[] lookupKey;

    public PersonalDataProtector(byte[] masterKey)
    {
        if (masterKey.Length != 32)
        {
            throw new ArgumentException("The privacy master key must be 32 bytes.", nameof(masterKey));
        }
        encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "agora-registry-encryption-v1"u8.ToArray());
        lookupKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "agora-registry-lookup-v1"u8.ToArray());
    }

    /// <summary>
    /// Reads the 32-byte key (base64) from <paramref name="path"/>; when the file is missing and
    /// <paramref name="createIfMissing"/>, generates one readable by the owner only.
    /// </summary>
    public static PersonalDataProtector FromKeyFile(string path, bool createIfMissing)
    {
        if (!File.Exists(path))
        {
            if (!createIfMissing)
            {
                throw new InvalidOperationException($"The privacy key file ({KeyFileSetting}) does not exist.");
            }
            KeyLocations.WriteNew(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }
        return new PersonalDataProtector(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    public byte[] Encrypt(string plaintext, Guid owner, string field)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[1 + NonceSize + TagSize + plain.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(encryptionKey, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), AssociatedData(owner, field));
        return output;
    }

    public string Decrypt(byte[] ciphertext, Guid owner, string field)
    {
        if (ciphertext.Length < 1 + NonceSize + TagSize || ciphertext[0] != FormatVersion)
        {
            throw new CryptographicException("Unknown ciphertext format.");
        }
        var plain = new byte[ciphertext.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(encryptionKey, TagSize);
        aes.Decrypt(ciphertext.AsSpan(1, NonceSize), ciphertext.AsSpan(1 + NonceSize + TagSize), ciphertext.AsSpan(1 + NonceSize, TagSize), plain, AssociatedData(owner, field));
        return Encoding.UTF8.GetString(plain);
    }

    public string? DecryptOrNull(byte[]? ciphertext, Guid owner, string field) => ciphertext is null ? null : Decrypt(ciphertext, owner, field);

    /// <summary>The keyed look-up hash of an already normalized email.</summary>
    public byte[] LookupHash(string normalizedEmail) => HMACSHA256.HashData(lookupKey, Encoding.UTF8.GetBytes(normalizedEmail));

    private static byte[] AssociatedData(Guid owner, string field) => Encoding.UTF8.GetBytes($"{owner:N}/{field}");
}
