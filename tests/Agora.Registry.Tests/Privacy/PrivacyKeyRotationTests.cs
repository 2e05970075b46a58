using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Agora.Registry.Participants;
using Agora.Registry.Privacy;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agora.Registry.Tests.Privacy;

public sealed class SmallBatchesFactory : RegistryFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => [new(PrivacyKeyCommand.BatchSizeSetting, "2")];
}

public sealed class PrivacyKeyRotationTests(SmallBatchesFactory factory) : IClassFixture<SmallBatchesFactory>
{
    private const string Password = "correct horse battery staple";
    private readonly HttpClient client = factory.CreateClient();

    private PersonalDataProtector Protector => factory.Services.GetRequiredService<PersonalDataProtector>();

    private async Task<(Guid Id, string Email, string Phone)> RegisterAsync(int n)
    {
        var email = Api.NewEmail("rotate");
        var phone = $"+216 98 765 4{n:00}";
        var id = await Api.RegisterAsync(client, new
        {
            kind = "individual", displayName = "Rotation " + n, preferredLanguage = "fr", email, phone, password = Password,
            demographics = new { gender = "female", ageBand = "35-49", occupation = "lawyer" }, demographicsConsent = true,
        });
        return (id, email, "+216987654" + n.ToString("00", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The key id of every stored ciphertext, read from a plain SQL dump of the three personal columns.</summary>
    private async Task<List<int>> StoredKeyIdsAsync()
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select c from participants, unnest(array[email_cipher, phone_cipher, demographics_cipher]) c where c is not null", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<int>();
        while (await reader.ReadAsync())
        {
            ids.Add(PersonalDataProtector.KeyIdOf((byte[])reader[0]));
        }
        return ids;
    }

    private async Task AssertExportAsync(Guid id, string email, string phone)
    {
        var export = await factory.ClientFor(id, Roles.Participant).GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK);
        Assert.Equal(email, export.GetProperty("email").GetString());
        Assert.Equal(phone, export.GetProperty("phone").GetString());
        Assert.Equal("lawyer", export.GetProperty("demographics").GetProperty("occupation").GetString());
    }

    [Fact]
    public async Task Data_written_before_a_rotation_stays_readable_and_after_reencryption_nothing_is_left_under_the_old_key()
    {
        var before = new List<(Guid Id, string Email, string Phone)>();
        for (var i = 0; i < 5; i++)
        {
            before.Add(await RegisterAsync(i));
        }
        var oldKey = Protector.CurrentKeyId;
        Assert.Contains(oldKey, await StoredKeyIdsAsync());

        Assert.Equal(0, await PrivacyKeyCommand.RunIfRequestedAsync(factory.Services, [PrivacyKeyCommand.RotateFlag]));

        var newKey = Protector.CurrentKeyId;
        Assert.True(newKey > oldKey);
        var stored = await StoredKeyIdsAsync();
        Assert.True(stored.Count >= 15, $"{stored.Count} ciphertexts"); // five participants × email, phone, demographics (at least)
        Assert.All(stored, keyId => Assert.Equal(newKey, keyId)); // no ciphertext under the old key id
        // Readable by this process, and by a fresh one reading the key file (another replica, a restart).
        foreach (var (id, email, phone) in before)
        {
            await AssertExportAsync(id, email, phone);
        }
        var restarted = PersonalDataProtector.FromKeyFile(factory.KeyFile, createIfMissing: false);
        Assert.Equal(newKey, restarted.CurrentKeyId);
        await using (var scope = factory.Scope(out var db))
        {
            var p = await db.Participants.AsNoTracking().SingleAsync(p => p.Id == before[0].Id);
            Assert.Equal(before[0].Email, restarted.Decrypt(p.EmailCipher!, p.Id, Participant.EmailField));
        }
        // The blind index still finds and guards emails: a duplicate is refused, a password sign-in finds the account.
        var duplicate = await client.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = "X", preferredLanguage = "fr", email = before[1].Email.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var browser = factory.CreateClient(new() { AllowAutoRedirect = false });
        var signIn = await browser.PostAsync("/connect/login", await Api.SignInFormAsync(browser, new Dictionary<string, string>
        {
            ["method"] = "password", ["email"] = before[2].Email, ["password"] = Password, ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        // New writes use the new key.
        var (lateId, lateEmail, latePhone) = await RegisterAsync(7);
        await using (var scope = factory.Scope(out var db))
        {
            var p = await db.Participants.AsNoTracking().SingleAsync(p => p.Id == lateId);
            Assert.Equal(newKey, PersonalDataProtector.KeyIdOf(p.EmailCipher!));
        }
        await AssertExportAsync(lateId, lateEmail, latePhone);
        // Rerunning the re-encryption changes nothing.
        Assert.Equal(0, await PrivacyKeyCommand.ReencryptAsync(factory.Services, Protector, 2, CancellationToken.None));
    }

    [Fact]
    public async Task A_rotation_cut_short_is_finished_by_running_the_command_again_without_adding_a_key()
    {
        var (id, email, phone) = await RegisterAsync(20);
        Assert.Equal(0, await PrivacyKeyCommand.RunIfRequestedAsync(factory.Services, [PrivacyKeyCommand.RotateFlag]));
        var keys = Protector.KeyIds.Count;
        // As if the run had crashed before this row (or a replica still on the old ring had written it): its email under the first key.
        var firstKey = Protector.KeyIds.Min();
        var oldOnly = new PersonalDataProtector(Convert.FromBase64String(File.ReadAllLines(factory.KeyFile).Single(l => l.StartsWith($"{firstKey} ", StringComparison.Ordinal)).Split(' ')[1]));
        await using (var scope = factory.Scope(out var db))
        {
            var p = await db.Participants.SingleAsync(p => p.Id == id);
            p.EmailCipher = oldOnly.Encrypt(email, id, Participant.EmailField);
            await db.SaveChangesAsync();
        }
        Assert.Contains(firstKey, await StoredKeyIdsAsync());
        await AssertExportAsync(id, email, phone); // readable meanwhile

        Assert.Equal(0, await PrivacyKeyCommand.RunIfRequestedAsync(factory.Services, [PrivacyKeyCommand.RotateFlag]));

        Assert.Equal(keys, Protector.KeyIds.Count); // no new key: the unfinished rotation was finished
        Assert.All(await StoredKeyIdsAsync(), keyId => Assert.Equal(Protector.CurrentKeyId, keyId));
        await AssertExportAsync(id, email, phone);
    }

    [Fact]
    public void A_ciphertext_in_the_format_from_before_rotation_reads_with_a_rotated_ring_and_unknown_keys_are_refused()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var owner = Guid.NewGuid();
        // Exactly what the registry wrote before key rotation existed: [1][nonce][tag][data], AES-GCM under HKDF(master).
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "agora-registry-encryption-v1"u8.ToArray());
        var plain = Encoding.UTF8.GetBytes("leila@example.tn");
        var legacy = new byte[1 + 12 + 16 + plain.Length];
        legacy[0] = 1;
        RandomNumberGenerator.Fill(legacy.AsSpan(1, 12));
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(legacy.AsSpan(1, 12), plain, legacy.AsSpan(29), legacy.AsSpan(13, 16), Encoding.UTF8.GetBytes($"{owner:N}/email"));
        }
        var file = Path.Combine(Path.GetTempPath(), $"agora-legacy-{Guid.NewGuid():N}.key");
        File.WriteAllText(file, Convert.ToBase64String(master)); // the key file format from before rotation
        try
        {
            var ring = PersonalDataProtector.FromKeyFile(file, createIfMissing: false);
            var lookupBefore = ring.LookupHash("leila@example.tn");
            Assert.Equal(0, ring.CurrentKeyId);
            var added = ring.AddKey();

            var reread = PersonalDataProtector.FromKeyFile(file, createIfMissing: false);
            Assert.Equal((1, 1), (added, reread.CurrentKeyId));
            Assert.Equal("leila@example.tn", reread.Decrypt(legacy, owner, "email"));
            Assert.Equal(lookupBefore, reread.LookupHash("leila@example.tn")); // the blind index does not move
            var fresh = reread.Encrypt("leila@example.tn", owner, "email");
            Assert.Equal(1, PersonalDataProtector.KeyIdOf(fresh));
            Assert.Equal("leila@example.tn", reread.Decrypt(fresh, owner, "email"));
            var unknownKey = (byte[])fresh.Clone();
            unknownKey[4] = 9;
            Assert.ThrowsAny<CryptographicException>(() => reread.Decrypt(unknownKey, owner, "email"));
            Assert.ThrowsAny<CryptographicException>(() => reread.Decrypt(fresh, Guid.NewGuid(), "email")); // still bound to its row
            Assert.ThrowsAny<CryptographicException>(() => new PersonalDataProtector(master).Decrypt(fresh, owner, "email")); // a ring without key 1
        }
        finally
        {
            File.Delete(file);
        }
    }
}
