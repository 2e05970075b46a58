using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.Registry.Privacy;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Identity;

public enum SignInOutcome
{
    SignedIn,
    Failed,
    LockedOut,
}

/// <summary>
/// Password and one-time-code sign-in with lockout: after <c>Registry:SignIn:MaxFailures</c>
/// failures in a row the account is locked for <c>Registry:SignIn:LockoutMinutes</c>, even for
/// the right password. Unknown emails cost the same work as known ones.
/// </summary>
public sealed class SignIns(RegistryDbContext db, PersonalDataProtector protector, OneTimeCodes codes, IConfiguration config, TimeProvider time)
{
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher().Hash(Guid.NewGuid().ToString()));

    private int MaxFailures => config.GetValue("Registry:SignIn:MaxFailures", 5);

    private TimeSpan Lockout => TimeSpan.FromMinutes(config.GetValue("Registry:SignIn:LockoutMinutes", 15));

    /// <summary>
    /// The account with this email, its row locked (<c>FOR UPDATE</c>) until the caller's transaction ends (called outside
    /// one, as by <c>--grant-role</c>, the lock ends with the query and the row version still guards the save): concurrent
    /// sign-ins on one account then take turns, so every failure and every wrong code counts toward the lockout (read
    /// without the lock, all but one of them would fail on the row version, uncounted, with a 500). The row version is
    /// <c>xmin</c>, a system column that <c>*</c> leaves out.
    /// </summary>
    public Task<Participant?> FindByEmailAsync(string? email, CancellationToken ct) => FindAsync(email, forUpdate: true, ct);

    private async Task<Participant?> FindAsync(string? email, bool forUpdate, CancellationToken ct)
    {
        var normalized = Registration.NormalizeEmail(email, new FieldErrors());
        if (normalized is null)
        {
            return null;
        }
        var hash = protector.LookupHash(normalized);
        // Untracked when not locked, so that the locked read that may follow gets the row as it is then, not this copy.
        return forUpdate
            ? await db.Participants.FromSql($"SELECT *, xmin FROM participants WHERE email_hash = {hash} FOR UPDATE").SingleOrDefaultAsync(ct)
            : await db.Participants.Where(p => p.EmailHash == hash).AsNoTracking().SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// The password is checked before the row is locked: Argon2id takes tens of milliseconds of CPU and 19 MiB on purpose,
    /// and holding a pooled connection and the row lock through it would let a burst of guesses against one account (or
    /// many) queue every other sign-in and exhaust the database pool. Only the outcome is recorded under the lock, after
    /// checking that no other attempt locked the account and that the password did not change meanwhile.
    /// </summary>
    public async Task<(SignInOutcome, Participant?)> PasswordAsync(string? email, string? password, CancellationToken ct)
    {
        var seen = await FindAsync(email, forUpdate: false, ct);
        if (seen is null || seen.PasswordHash is null || !CanSignIn(seen))
        {
            PasswordHasher.Verify(password ?? "", DummyHash.Value);
            return (SignInOutcome.Failed, null);
        }
        if (seen.LockedUntil > time.GetUtcNow())
        {
            return (SignInOutcome.LockedOut, null);
        }
        var ok = PasswordHasher.Verify(password ?? "", seen.PasswordHash);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var p = await FindByEmailAsync(email, ct);
        if (p is null || !CanSignIn(p) || p.PasswordHash != seen.PasswordHash)
        {
            // Erased, suspended or given a new password while this one was checked: the check no longer applies.
            return (SignInOutcome.Failed, null);
        }
        var now = time.GetUtcNow();
        if (p.LockedUntil > now)
        {
            return (SignInOutcome.LockedOut, null);
        }
        var outcome = await RecordAsync(p, ok, now, ct);
        await transaction.CommitAsync(ct);
        return (outcome, ok ? p : null);
    }

    /// <summary>Sends a sign-in code when the email is known (the answer is the same either way).</summary>
    public async Task RequestCodeAsync(string? email, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var p = await FindByEmailAsync(email, ct);
        if (p is null || !CanSignIn(p) || p.LockedUntil > time.GetUtcNow())
        {
            return;
        }
        codes.Issue(db, p, OneTimeCodes.SignIn, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<(SignInOutcome, Participant?)> CodeAsync(string? email, string? code, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var p = await FindByEmailAsync(email, ct);
        if (p is null || !CanSignIn(p))
        {
            return (SignInOutcome.Failed, null);
        }
        var now = time.GetUtcNow();
        if (p.LockedUntil > now)
        {
            return (SignInOutcome.LockedOut, null);
        }
        var ok = codes.Check(p, OneTimeCodes.SignIn, code, now) == CodeCheck.Valid;
        if (ok && p.EmailVerifiedAt is null)
        {
            // Receiving the code proves the address; an individual's vetting goes through the verification endpoint.
            p.EmailVerifiedAt = now;
        }
        var outcome = await RecordAsync(p, ok, now, ct);
        await transaction.CommitAsync(ct);
        return (outcome, ok ? p : null);
    }

    private static bool CanSignIn(Participant p) => p.Status is ParticipantStatus.Pending or ParticipantStatus.Active;

    private async Task<SignInOutcome> RecordAsync(Participant p, bool ok, DateTimeOffset now, CancellationToken ct)
    {
        if (ok)
        {
            p.FailedSignIns = 0;
            p.LockedUntil = null;
        }
        else
        {
            p.FailedSignIns++;
            if (p.FailedSignIns >= MaxFailures)
            {
                p.LockedUntil = now + Lockout;
                p.FailedSignIns = 0;
            }
        }
        await db.SaveChangesAsync(ct);
        return ok ? SignInOutcome.SignedIn : p.LockedUntil > now ? SignInOutcome.LockedOut : SignInOutcome.Failed;
    }
}
