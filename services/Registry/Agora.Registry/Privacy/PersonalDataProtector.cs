using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Agora.Registry.Privacy;

/// <summary>
/// Encrypts personal data (contact details, demographic answers) with AES-256-GCM under a key ring
/// kept outside the database (a key file, <c>Registry:Privacy:KeyFile</c>), and computes a keyed
/// HMAC of the normalized email for uniqueness and look-up. Each ciphertext is bound to its row
/// and field (associated data), so a value copied to another row does not decrypt.
/// <para>
/// The key file holds one key per line, <c>&lt;id&gt; &lt;32 bytes in base64&gt;</c>; a bare base64
/// line (the format before key rotation existed) is key 0. The highest id is the current key: new
/// ciphertexts use it; a ciphertext is read with the key its header names. Formats:
/// <c>[1][nonce 12][tag 16][data]</c> — key 0, written while key 0 is the current key (the format
/// of every ciphertext written before the first rotation); <c>[2][key id, 4 bytes big-endian][nonce
/// 12][tag 16][data]</c> — any other key. The look-up (blind index) key is derived from the
/// lowest-id key, which therefore stays in the file for good.
/// </para>
/// </summary>
public sealed class PersonalDataProtector
{
    public const string KeyFileSetting = "Registry:Privacy:KeyFile";
    private const byte LegacyFormat = 1;
    private const byte KeyedFormat = 2;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly string? path;
    private volatile KeyRing ring;

    /// <summary>A protector with the single key 0 (tests, and key files from before rotation).</summary>
    public PersonalDataProtector(byte[] masterKey) : this(new Dictionary<int, byte[]> { [0] = masterKey }, null)
    {
    }

    private PersonalDataProtector(IReadOnlyDictionary<int, byte[]> masterKeys, string? path)
    {
        ring = new KeyRing(masterKeys);
        this.path = path;
    }

    /// <summary>The id of the key new ciphertexts are written with.</summary>
    public int CurrentKeyId => ring.CurrentId;

    /// <summary>The ids of the keys in the ring.</summary>
    public IReadOnlyCollection<int> KeyIds => ring.EncryptionKeys.Keys;

    /// <summary>
    /// Reads the key ring from <paramref name="path"/>; when the file is missing and
    /// <paramref name="createIfMissing"/>, generates a single key (key 0) readable by the owner only.
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
        return new PersonalDataProtector(ReadKeyFile(path), path);
    }

    private static Dictionary<int, byte[]> ReadKeyFile(string path)
    {
        var keys = new Dictionary<int, byte[]>();
        foreach (var line in File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (id, key) = parts.Length == 1 ? (0, parts[0]) : (int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture), parts[1]);
            if (!keys.TryAdd(id, Convert.FromBase64String(key)))
            {
                throw new InvalidOperationException($"The privacy key file ({KeyFileSetting}) names key {id} twice.");
            }
        }
        return keys;
    }

    /// <summary>
    /// Adds a new random key to the key file (it becomes the current key) and to this ring; the file
    /// is rewritten aside then renamed, readable by its owner only. Returns the new key's id.
    /// </summary>
    public int AddKey()
    {
        if (path is null)
        {
            throw new InvalidOperationException("This protector has no key file.");
        }
        var keys = ReadKeyFile(path);
        var id = keys.Keys.Max() + 1;
        keys[id] = RandomNumberGenerator.GetBytes(32);
        var lines = keys.OrderBy(k => k.Key).Select(k => $"{k.Key} {Convert.ToBase64String(k.Value)}");
        KeyLocations.Replace(path, "# Agora registry privacy key ring: <id> <key>. The highest id encrypts; never remove the lowest (it keys the email look-up hash).\n"
            + string.Join('\n', lines) + "\n");
        ring = new KeyRing(keys);
        return id;
    }

    public byte[] Encrypt(string plaintext, Guid owner, string field)
    {
        var current = ring;
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var header = current.CurrentId == 0 ? 1 : 5;
        var output = new byte[header + NonceSize + TagSize + plain.Length];
        if (header == 1)
        {
            output[0] = LegacyFormat;
        }
        else
        {
            output[0] = KeyedFormat;
            BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(1, 4), current.CurrentId);
        }
        var nonce = output.AsSpan(header, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(current.EncryptionKeys[current.CurrentId], TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(header + NonceSize + TagSize), output.AsSpan(header + NonceSize, TagSize), AssociatedData(owner, field));
        return output;
    }

    public string Decrypt(byte[] ciphertext, Guid owner, string field)
    {
        var keyId = KeyIdOf(ciphertext);
        var header = ciphertext[0] == LegacyFormat ? 1 : 5;
        if (ciphertext.Length < header + NonceSize + TagSize)
        {
            throw new CryptographicException("Unknown ciphertext format.");
        }
        var key = KeyFor(keyId);
        var plain = new byte[ciphertext.Length - header - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(ciphertext.AsSpan(header, NonceSize), ciphertext.AsSpan(header + NonceSize + TagSize), ciphertext.AsSpan(header + NonceSize, TagSize), plain, AssociatedData(owner, field));
        return Encoding.UTF8.GetString(plain);
    }

    public string? DecryptOrNull(byte[]? ciphertext, Guid owner, string field) => ciphertext is null ? null : Decrypt(ciphertext, owner, field);

    /// <summary>The ciphertext again under the current key, or the same array when it already is.</summary>
    public byte[]? ReencryptOrNull(byte[]? ciphertext, Guid owner, string field) =>
        ciphertext is null || KeyIdOf(ciphertext) == CurrentKeyId ? ciphertext : Encrypt(Decrypt(ciphertext, owner, field), owner, field);

    /// <summary>The id of the key a ciphertext was written with (0 for the format from before rotation).</summary>
    public static int KeyIdOf(byte[] ciphertext) => ciphertext switch
    {
        [LegacyFormat, ..] => 0,
        [KeyedFormat, _, _, _, _, ..] => BinaryPrimitives.ReadInt32BigEndian(ciphertext.AsSpan(1, 4)),
        _ => throw new CryptographicException("Unknown ciphertext format."),
    };

    /// <summary>The first bytes of every ciphertext written under the current key (for finding the others in SQL).</summary>
    public byte[] CurrentHeader()
    {
        var id = CurrentKeyId;
        if (id == 0)
        {
            return [LegacyFormat];
        }
        var header = new byte[5];
        header[0] = KeyedFormat;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), id);
        return header;
    }

    /// <summary>The keyed look-up hash of an already normalized email.</summary>
    public byte[] LookupHash(string normalizedEmail) => HMACSHA256.HashData(ring.LookupKey, Encoding.UTF8.GetBytes(normalizedEmail));

    /// <summary>
    /// The key named by a ciphertext; a key this process does not know yet (another host rotated)
    /// makes it read the key file again once.
    /// </summary>
    private byte[] KeyFor(int keyId)
    {
        if (ring.EncryptionKeys.TryGetValue(keyId, out var key))
        {
            return key;
        }
        if (path is not null)
        {
            var reloaded = new KeyRing(ReadKeyFile(path));
            if (reloaded.EncryptionKeys.TryGetValue(keyId, out key))
            {
                ring = reloaded;
                return key;
            }
        }
        throw new CryptographicException($"The privacy key {keyId} is not in the key ring.");
    }

    private static byte[] AssociatedData(Guid owner, string field) => Encoding.UTF8.GetBytes($"{owner:N}/{field}");

    private sealed class KeyRing
    {
        public KeyRing(IReadOnlyDictionary<int, byte[]> masterKeys)
        {
            if (masterKeys.Count == 0 || masterKeys.Values.Any(k => k.Length != 32) || masterKeys.Keys.Any(id => id < 0))
            {
                throw new ArgumentException("The privacy key ring needs at least one key; each key is 32 bytes with an id ≥ 0.", nameof(masterKeys));
            }
            EncryptionKeys = masterKeys.ToDictionary(k => k.Key, k => HKDF.DeriveKey(HashAlgorithmName.SHA256, k.Value, 32, info: "agora-registry-encryption-v1"u8.ToArray()));
            CurrentId = masterKeys.Keys.Max();
            LookupKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKeys[masterKeys.Keys.Min()], 32, info: "agora-registry-lookup-v1"u8.ToArray());
        }

        public Dictionary<int, byte[]> EncryptionKeys { get; }

        public int CurrentId { get; }

        public byte[] LookupKey { get; }
    }
}
