using System.Security.Claims;
using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Registry.Data;
using Agora.Registry.Identity;
using Agora.Registry.Privacy;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Participants;

public static class ParticipantsApi
{
    public static IEndpointRouteBuilder MapParticipantsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/registry/participants");
        group.MapPost("/", Register).AllowAnonymous().RequireRateLimiting(RateLimits.Registration);
        group.MapGet("/", List).RequireAuthorization(Policies.Steering);
        group.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.Participant);
        group.MapDelete("/{id:guid}", Erase).RequireAuthorization(Policies.Steering);
        group.MapPut("/{id:guid}/roles", SetRoles).RequireAuthorization(Policies.Steering);
        return endpoints;
    }

    public sealed record Registered(Guid Id, string Status);

    public sealed record ParticipantView(
        Guid Id, string Kind, string? Category, string DisplayName, Names Names, string PreferredLanguage, string? Governorate,
        IReadOnlyList<string> Themes, string Status, string Vetting, int? FoundingCallVersion, DateTimeOffset? AdheredAt,
        bool DirectoryOptIn, IReadOnlyList<string> Roles, DateTimeOffset RegisteredAt, DateTimeOffset? ActivatedAt);

    public sealed record ParticipantPage(IReadOnlyList<ParticipantView> Items, string? Next);

    public sealed record SetRolesRequest(IReadOnlyList<string>? Roles);

    public static ParticipantView View(Participant p) => new(
        p.Id, Participant.KindName(p.Kind), p.Category, p.DisplayName, new Names(p.NameAr, p.NameFr, p.NameEn), p.PreferredLanguage,
        p.Governorate, p.Themes, Participant.Lower(p.Status), Participant.Lower(p.Vetting), p.FoundingCallVersion, p.AdheredAt,
        p.DirectoryOptIn, p.Roles, p.RegisteredAt, p.ActivatedAt);

    internal static async Task<Results<Created<Registered>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterParticipant request, RegistryDbContext db, PersonalDataProtector protector, PasswordHasher hasher,
        OneTimeCodes codes, KnownThemes knownThemes, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Only what this request needs: which of its themes exist (known slugs need no query), and
        // the current founding call only when the request adheres to one.
        var themes = await knownThemes.FindAsync(db, Registration.NormalizeThemes(request.Themes), ct);
        var participant = Registration.TryRegister(request, now, themes, protector, out var errors);
        if (request.AdheresToFoundingCall is int version)
        {
            var current = await db.FoundingCallVersions.MaxAsync(v => v.Version, ct);
            if (version != current)
            {
                errors.Add("adheresToFoundingCall", $"Adherence must be to the current version of the founding call ({current}).");
            }
        }
        if (participant is null || errors.Any)
        {
            return errors.ToProblem();
        }
        if (request.Password is not null)
        {
            participant.PasswordHash = hasher.Hash(request.Password);
        }
        if (request.AdheresToFoundingCall is int adhered)
        {
            participant.Adhere(adhered, now);
        }

        db.Participants.Add(participant);
        db.AddEvent(new ParticipantRegistered(participant.Id, Participant.KindName(participant.Kind), participant.PreferredLanguage, participant.RegisteredAt), now);
        ParticipantEvents.ProfileChanged(db, participant, protector, now);
        if (participant.Kind == ParticipantKind.Individual)
        {
            codes.Issue(db, participant, OneTimeCodes.VerifyEmail, now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problems.Conflict("duplicate-email", "A participant with this email is already registered.");
        }
        return TypedResults.Created($"/api/registry/participants/{participant.Id}", new Registered(participant.Id, Participant.Lower(participant.Status)));
    }

    /// <summary>A participant reads only their own record; steering reads all.</summary>
    internal static async Task<Results<Ok<ParticipantView>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal user, RegistryDbContext db, CancellationToken ct)
    {
        if (user.ParticipantId() != id && !user.IsSteering())
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "You can read only your own record.");
        }
        var p = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return p is null ? Problems.NotFound("participant") : TypedResults.Ok(View(p));
    }

    /// <summary>Steering's view of every participant, by status and kind, in keyset pages (newest first).</summary>
    internal static async Task<Results<Ok<ParticipantPage>, ValidationProblem>> List(
        RegistryDbContext db, string? status, string? kind, Guid? after, int? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = db.Participants.AsNoTracking();
        if (status is not null)
        {
            if (EnumNames.TryParse<ParticipantStatus>(status, out var s))
            {
                query = query.Where(p => p.Status == s);
            }
            else
            {
                errors.Add("status", "Unknown status.");
            }
        }
        if (kind is not null)
        {
            var k = Registration.ParseKind(kind, errors);
            if (k is not null)
            {
                query = query.Where(p => p.Kind == k);
            }
        }
        var size = limit ?? 50;
        if (size is < 1 or > 200)
        {
            errors.Add("limit", "The limit must be between 1 and 200.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (after is Guid cursor)
        {
            query = query.Where(p => p.Id.CompareTo(cursor) < 0);
        }
        var items = await query.OrderByDescending(p => p.Id).Take(size + 1).ToListAsync(ct);
        var next = items.Count > size ? items[size - 1].Id.ToString() : null;
        return TypedResults.Ok(new ParticipantPage([.. items.Take(size).Select(View)], next));
    }

    internal static Task<Results<NoContent, ProblemHttpResult>> Erase(Guid id, RegistryDbContext db, ErasedParticipants erased, TimeProvider time, CancellationToken ct) =>
        Erasure.EraseAsync(db, erased, id, time.GetUtcNow(), ct);

    internal static async Task<Results<Ok<ParticipantView>, ValidationProblem, ProblemHttpResult>> SetRoles(
        Guid id, SetRolesRequest request, RegistryDbContext db, TimeProvider time, CancellationToken ct)
    {
        var roles = request.Roles?.Select(r => r?.Trim().ToLowerInvariant() ?? "").Distinct().ToList() ?? [];
        if (roles.Count == 0 || roles.Any(r => r == Roles.Partner || !Roles.All.Contains(r)))
        {
            return new FieldErrors().Add("roles", "Roles must be among: participant, facilitator, rapporteur, steering.").ToProblem();
        }
        var p = await db.Participants.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (p is null || p.Status == ParticipantStatus.Erased)
        {
            return Problems.NotFound("participant");
        }
        p.Roles = roles;
        p.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(p));
    }
}
