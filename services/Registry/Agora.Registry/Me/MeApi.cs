using System.Security.Claims;
using Agora.Registry.Data;
using Agora.Registry.Identity;
using Agora.Registry.Participants;
using Agora.Registry.Privacy;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static Agora.Registry.Participants.ParticipantsApi;

namespace Agora.Registry.Me;

/// <summary>The caller's own record: read, edit, adhere, export everything, erase.</summary>
public static class MeApi
{
    public sealed record UpdateProfile(
        Names? Names = null,
        string? PreferredLanguage = null,
        string? Governorate = null,
        IReadOnlyList<string>? Themes = null,
        string? Phone = null,
        Demographics? Demographics = null,
        bool? DemographicsConsent = null,
        bool? DirectoryOptIn = null);

    public sealed record Adhere(int? Version);

    public sealed record SetPassword(string? Password);

    public sealed record ExportedVettingDecision(string Decision, string Method, Guid? DecidedBy, string? Reason, DateTimeOffset DecidedAt);

    public sealed record ExportedMembership(Guid OrganizationId, Guid IndividualId, string Role, DateTimeOffset Since, string Status);

    /// <summary>An invitation the individual declined (which keeps that organization from inviting them again for a while).</summary>
    public sealed record ExportedDeclinedInvitation(Guid OrganizationId, DateTimeOffset DeclinedAt);

    public sealed record Export(
        ParticipantView Profile, string? Email, string? Phone, Demographics? Demographics, DateTimeOffset? DemographicsConsentAt,
        DateTimeOffset? EmailVerifiedAt, bool HasPassword, IReadOnlyList<ExportedVettingDecision> VettingDecisions,
        IReadOnlyList<ExportedMembership> Memberships, IReadOnlyList<ExportedDeclinedInvitation> DeclinedInvitations, DateTimeOffset ExportedAt);

    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/registry/me").RequireAuthorization(Policies.Participant);
        group.MapGet("/", Get);
        group.MapPatch("/", Update);
        group.MapGet("/export", ExportAll);
        group.MapDelete("/", Erase);
        group.MapPost("/adherence", AdhereToCurrent);
        group.MapPut("/password", ChangePassword);
        return endpoints;
    }

    private static async Task<Participant?> FindAsync(ClaimsPrincipal user, RegistryDbContext db, CancellationToken ct, bool track = false)
    {
        if (user.ParticipantId() is not Guid id)
        {
            return null;
        }
        var query = track ? db.Participants : db.Participants.AsNoTracking();
        return await query.FirstOrDefaultAsync(p => p.Id == id && p.Status != ParticipantStatus.Erased, ct);
    }

    internal static async Task<Results<Ok<ParticipantView>, ProblemHttpResult>> Get(ClaimsPrincipal user, RegistryDbContext db, CancellationToken ct) =>
        await FindAsync(user, db, ct) is { } p ? TypedResults.Ok(View(p)) : Problems.NotFound("participant");

    internal static async Task<Results<Ok<ParticipantView>, ValidationProblem, ProblemHttpResult>> Update(
        UpdateProfile request, ClaimsPrincipal user, RegistryDbContext db, PersonalDataProtector protector, KnownThemes knownThemes,
        TimeProvider time, CancellationToken ct)
    {
        var p = await FindAsync(user, db, ct, track: true);
        if (p is null)
        {
            return Problems.NotFound("participant");
        }
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var before = ParticipantEvents.Constituency(p, protector);
        var (language, themesBefore) = (p.PreferredLanguage, string.Join(',', p.Themes));

        string? Name(string? value, string field, string? current) =>
            value is null ? current : value.Length == 0 ? null : Registration.CleanName(value, field, errors);
        var ar = Name(request.Names?.Ar, "names.ar", p.NameAr);
        var fr = Name(request.Names?.Fr, "names.fr", p.NameFr);
        var en = Name(request.Names?.En, "names.en", p.NameEn);
        if (ar is null && fr is null && en is null)
        {
            errors.Add("names", "At least one name (ar, fr or en) is required.");
        }
        var newLanguage = request.PreferredLanguage is null ? p.PreferredLanguage : Registration.ParseLanguage(request.PreferredLanguage, errors);
        var governorate = request.Governorate is null ? p.Governorate
            : request.Governorate.Length == 0 ? null : Registration.ParseGovernorate(request.Governorate, errors);
        var themes = request.Themes is null ? p.Themes
            : Registration.ParseThemes(request.Themes, await knownThemes.FindAsync(db, Registration.NormalizeThemes(request.Themes), ct), errors);
        var phone = request.Phone is null or "" ? null : Registration.NormalizePhone(request.Phone, errors);
        var demographics = request.Demographics is null ? null
            : Registration.ParseDemographics(request.Demographics, request.DemographicsConsent ?? (p.DemographicsConsentAt is not null ? true : null), errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        (p.NameAr, p.NameFr, p.NameEn) = (ar, fr, en);
        p.PreferredLanguage = newLanguage!;
        p.DisplayName = new Dictionary<string, string?> { ["ar"] = ar, ["fr"] = fr, ["en"] = en }[p.PreferredLanguage] ?? ar ?? fr ?? en!;
        p.Governorate = governorate;
        p.Themes = themes;
        if (request.Phone is not null)
        {
            p.PhoneCipher = phone is null ? null : protector.Encrypt(phone, p.Id, Participant.PhoneField);
        }
        if (request.DemographicsConsent == false)
        {
            // Withdrawing consent deletes the answers.
            p.DemographicsCipher = null;
            p.DemographicsConsentAt = null;
        }
        else if (demographics is not null)
        {
            p.DemographicsCipher = protector.Encrypt(demographics.ToJson(), p.Id, Participant.DemographicsField);
            p.DemographicsConsentAt ??= now;
        }
        if (request.DirectoryOptIn is bool optIn)
        {
            p.DirectoryOptIn = optIn;
        }
        p.UpdatedAt = now;
        var after = ParticipantEvents.Constituency(p, protector);
        if (before != after || language != p.PreferredLanguage || themesBefore != string.Join(',', p.Themes))
        {
            ParticipantEvents.ProfileChanged(db, p, protector, now, routingChanged: before.Governorate != after.Governorate || language != p.PreferredLanguage);
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(p));
    }

    internal static async Task<Results<Ok<Export>, ProblemHttpResult>> ExportAll(
        ClaimsPrincipal user, RegistryDbContext db, PersonalDataProtector protector, TimeProvider time, CancellationToken ct)
    {
        var p = await FindAsync(user, db, ct);
        if (p is null)
        {
            return Problems.NotFound("participant");
        }
        var decisions = await db.VettingDecisions.AsNoTracking().Where(d => d.ParticipantId == p.Id).OrderBy(d => d.DecidedAt)
            .Select(d => new ExportedVettingDecision(d.Decision, d.Method, d.DecidedBy, d.Reason, d.DecidedAt)).ToListAsync(ct);
        var memberships = (await db.Memberships.AsNoTracking().Where(m => m.IndividualId == p.Id || m.OrganizationId == p.Id).ToListAsync(ct))
            .Select(m => new ExportedMembership(m.OrganizationId, m.IndividualId, Participant.Lower(m.Role), m.Since, Participant.Lower(m.Status))).ToList();
        // The individual's own declines only: an organization's export does not say who declined it.
        var declined = await db.DeclinedInvitations.AsNoTracking().Where(d => d.IndividualId == p.Id).OrderBy(d => d.DeclinedAt)
            .Select(d => new ExportedDeclinedInvitation(d.OrganizationId, d.DeclinedAt)).ToListAsync(ct);
        return TypedResults.Ok(new Export(View(p), protector.DecryptOrNull(p.EmailCipher, p.Id, Participant.EmailField),
            protector.DecryptOrNull(p.PhoneCipher, p.Id, Participant.PhoneField), p.ReadDemographics(protector), p.DemographicsConsentAt,
            p.EmailVerifiedAt, p.PasswordHash is not null, decisions, memberships, declined, time.GetUtcNow()));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Erase(ClaimsPrincipal user, RegistryDbContext db, ErasedParticipants erased, TimeProvider time, CancellationToken ct) =>
        user.ParticipantId() is Guid id ? await Erasure.EraseAsync(db, erased, id, time.GetUtcNow(), ct) : Problems.NotFound("participant");

    internal static async Task<Results<Ok<ParticipantView>, ValidationProblem, ProblemHttpResult>> AdhereToCurrent(
        Adhere request, ClaimsPrincipal user, RegistryDbContext db, TimeProvider time, CancellationToken ct)
    {
        var p = await FindAsync(user, db, ct, track: true);
        if (p is null)
        {
            return Problems.NotFound("participant");
        }
        var current = await db.FoundingCallVersions.MaxAsync(v => v.Version, ct);
        if (request.Version is null)
        {
            return new FieldErrors().Add("version", "The version of the founding call adhered to is required.").ToProblem();
        }
        if (request.Version != current)
        {
            return Problems.Conflict("founding-call-outdated", "Adherence must be to the current version of the founding call.",
                $"The current version is {current}.");
        }
        if (p.FoundingCallVersion == current)
        {
            return TypedResults.Ok(View(p));
        }
        var now = time.GetUtcNow();
        if (p.Adhere(current, now))
        {
            ParticipantEvents.Activated(db, p, now);
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(p));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        SetPassword request, ClaimsPrincipal user, RegistryDbContext db, PasswordHasher hasher, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Registration.CheckPassword(request.Password ?? "", errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var p = await FindAsync(user, db, ct, track: true);
        if (p is null)
        {
            return Problems.NotFound("participant");
        }
        p.PasswordHash = hasher.Hash(request.Password!);
        p.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
