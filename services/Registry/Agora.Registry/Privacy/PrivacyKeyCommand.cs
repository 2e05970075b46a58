using Agora.Registry.Data;
using Agora.Registry.Participants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Agora.Registry.Privacy;

/// <summary>
/// Operator commands, run with the service's configuration, key file and database (like
/// <c>--grant-role</c>):
/// <list type="bullet">
/// <item><c>--rotate-privacy-key</c>: adds a new key to the privacy key ring (it encrypts from then
/// on), then re-encrypts every stored personal field under it. When fields are still under older
/// keys (an earlier rotation was cut short) it adds no key and finishes that rotation instead, so
/// rerunning it after a crash is safe.</item>
/// <item><c>--reencrypt-personal-data</c>: only the re-encryption, to the current key (for the
/// fields that replicas started before the rotation wrote meanwhile).</item>
/// </list>
/// Re-encryption goes in batches of <c>Registry:Privacy:ReencryptBatchSize</c> participants, each
/// batch one transaction with its rows locked (<c>FOR UPDATE</c>); a field already under the current
/// key is left alone, so a rerun only does what is left. Prints counts and key ids, nothing personal.
/// </summary>
public static class PrivacyKeyCommand
{
    public const string RotateFlag = "--rotate-privacy-key";
    public const string ReencryptFlag = "--reencrypt-personal-data";
    public const string BatchSizeSetting = "Registry:Privacy:ReencryptBatchSize";

    /// <summary>The participants with a ciphertext that does not start with the current key's header.</summary>
    private const string Behind = """
        (email_cipher IS NOT NULL AND substring(email_cipher from 1 for @length) <> @header)
        OR (phone_cipher IS NOT NULL AND substring(phone_cipher from 1 for @length) <> @header)
        OR (demographics_cipher IS NOT NULL AND substring(demographics_cipher from 1 for @length) <> @header)
        """;

    public static async Task<int?> RunIfRequestedAsync(IServiceProvider services, string[] args, CancellationToken ct = default)
    {
        var rotate = args.Contains(RotateFlag);
        if (!rotate && !args.Contains(ReencryptFlag))
        {
            return null;
        }
        var protector = services.GetRequiredService<PersonalDataProtector>();
        if (rotate)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            await db.Database.OpenConnectionAsync(ct);
            if ((await LockBehindAsync(db, protector, 1, ct)).Count > 0)
            {
                Console.WriteLine($"An earlier rotation is unfinished: no new key; finishing the re-encryption under key {protector.CurrentKeyId}.");
            }
            else
            {
                try
                {
                    Console.WriteLine($"Added privacy key {protector.AddKey()}; it encrypts from now on.");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"The privacy key file ({PersonalDataProtector.KeyFileSetting}) could not be rewritten: {e.Message}");
                    return 1;
                }
            }
        }
        var batchSize = services.GetRequiredService<IConfiguration>().GetValue(BatchSizeSetting, 500);
        var total = await ReencryptAsync(services, protector, batchSize, ct);
        Console.WriteLine($"Re-encrypted the personal data of {total} participants; every stored field is under key {protector.CurrentKeyId}.");
        return 0;
    }

    /// <summary>Re-encrypts, batch by batch, every personal field not under the current key; returns the number of participants changed.</summary>
    public static async Task<int> ReencryptAsync(IServiceProvider services, PersonalDataProtector protector, int batchSize, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var ids = await LockBehindAsync(db, protector, batchSize, ct);
            if (ids.Count == 0)
            {
                return total;
            }
            foreach (var p in await db.Participants.Where(p => ids.Contains(p.Id)).ToListAsync(ct))
            {
                p.EmailCipher = protector.ReencryptOrNull(p.EmailCipher, p.Id, Participant.EmailField);
                p.PhoneCipher = protector.ReencryptOrNull(p.PhoneCipher, p.Id, Participant.PhoneField);
                p.DemographicsCipher = protector.ReencryptOrNull(p.DemographicsCipher, p.Id, Participant.DemographicsField);
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            total += ids.Count;
        }
    }

    private static async Task<List<Guid>> LockBehindAsync(RegistryDbContext db, PersonalDataProtector protector, int limit, CancellationToken ct)
    {
        var header = protector.CurrentHeader();
        await using var command = new NpgsqlCommand($"SELECT id FROM participants WHERE {Behind} ORDER BY id LIMIT @limit FOR UPDATE",
            (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        command.Parameters.AddWithValue("header", header);
        command.Parameters.AddWithValue("length", header.Length);
        command.Parameters.AddWithValue("limit", limit);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }
}
