using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Agora.Registry.Identity;

/// <summary>
/// Argon2id (memory-hard: a GPU or ASIC farm guessing passwords pays for memory on every guess),
/// with OWASP's parameters (19 MiB, 2 iterations, 1 lane), stored as a PHC string so parameters
/// can grow later without invalidating existing hashes.
/// </summary>
public sealed class PasswordHasher(int memoryKiB = 19456, int iterations = 2, int parallelism = 1)
{
    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Compute(password, salt, memoryKiB, iterations, parallelism);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={memoryKiB},t={iterations},p={parallelism}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    public static bool Verify(string password, string phc)
    {
        var parts = phc.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id")
        {
            return false;
        }
        var parameters = parts[3].Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
        var salt = Convert.FromBase64String(parts[4]);
        var expected = Convert.FromBase64String(parts[5]);
        var actual = Compute(password, salt, parameters["m"], parameters["t"], parameters["p"]);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Compute(string password, byte[] salt, int memory, int iterations, int parallelism)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memory,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        return argon.GetBytes(32);
    }
}
