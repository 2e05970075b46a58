using System.Security.Claims;
using Agora.Messaging;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Memberships;

/// <summary>
/// Individuals belong to organizations and movements as member, delegate or spokesperson; an
/// organization names at most <c>Registry:MaxDelegatesPerOrganization</c> delegates. Managed by
/// steering, the organization's own account, or one of its spokespersons.
/// </summary>
public static class MembershipsApi
{
    public const string MaxDelegatesSetting = "Registry:MaxDelegatesPerOrganization";

    public sealed record AddMember(Guid? IndividualId, string? Role);

    public sealed record ChangeRole(string? Role);

    public sealed record MemberView(Guid OrganizationId, Guid IndividualId, string Role, DateTimeOffset Since);

    public static IEndpointRouteBuilder MapMembershipsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/registry/organizations/{orgId:guid}/members").RequireAuthorization(Policies.Participant);
        group.MapGet("/", List);
        group.MapPost("/", Add);
        group.MapPut("/{individualId:guid}", Change);
        group.MapDelete("/{individualId:guid}", Remove);
        endpoints.MapGet("/api/registry/me/memberships", Mine).RequireAuthorization(Policies.Participant);
        return endpoints;
    }

    private static MemberView View(Membership m) => new(m.OrganizationId, m.IndividualId, Participant.Lower(m.Role), m.Since);

    private static MembershipRole? ParseRole(string? role, FieldErrors errors)
    {
        MembershipRole? parsed = role?.Trim().ToLowerInvariant() switch
        {
            "member" => MembershipRole.Member,
            "delegate" => MembershipRole.Delegate,
            "spokesperson" => MembershipRole.Spokesperson,
            _ => null,
        };
        if (parsed is null)
        {
            errors.Add("role", "The role must be one of: member, delegate, spokesperson.");
        }
        return parsed;
    }

    private static async Task<bool> CanManageAsync(ClaimsPrincipal user, Guid orgId, RegistryDbContext db, CancellationToken ct)
    {
        var caller = user.ParticipantId();
        return user.IsSteering() || caller == orgId
            || await db.Memberships.AnyAsync(m => m.OrganizationId == orgId && m.IndividualId == caller && m.Role == MembershipRole.Spokesperson, ct);
    }

    private static Task<Participant?> OrganizationAsync(Guid orgId, RegistryDbContext db, CancellationToken ct) =>
        db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == orgId && p.Status != ParticipantStatus.Erased
            && (p.Kind == ParticipantKind.Organization || p.Kind == ParticipantKind.Movement), ct);

    /// <summary>
    /// Locks the organization's row (<c>FOR UPDATE</c>, in the caller's transaction) before counting its
    /// delegates, so concurrent nominations for one organization are counted one after the other and
    /// can never exceed the maximum together.
    /// </summary>
    private static async Task<ProblemHttpResult?> CheckDelegatesAsync(Guid orgId, RegistryDbContext db, IConfiguration config, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM participants WHERE id = {orgId} FOR UPDATE", ct);
        var max = config.GetValue(MaxDelegatesSetting, 5);
        var count = await db.Memberships.CountAsync(m => m.OrganizationId == orgId && m.Role == MembershipRole.Delegate, ct);
        return count >= max
            ? Problems.Conflict("too-many-delegates", "This organization already names its maximum number of delegates.", $"At most {max} delegates per organization.")
            : null;
    }

    internal static async Task<Results<Ok<List<MemberView>>, ProblemHttpResult>> List(Guid orgId, ClaimsPrincipal user, RegistryDbContext db, CancellationToken ct)
    {
        if (await OrganizationAsync(orgId, db, ct) is null)
        {
            return Problems.NotFound("organization");
        }
        var caller = user.ParticipantId();
        if (!await CanManageAsync(user, orgId, db, ct) && !await db.Memberships.AnyAsync(m => m.OrganizationId == orgId && m.IndividualId == caller, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only the organization, its members and steering see its members.");
        }
        var members = await db.Memberships.AsNoTracking().Where(m => m.OrganizationId == orgId).OrderBy(m => m.Since).ToListAsync(ct);
        return TypedResults.Ok(members.Select(View).ToList());
    }

    internal static async Task<Results<Created<MemberView>, ValidationProblem, ProblemHttpResult>> Add(
        Guid orgId, AddMember request, ClaimsPrincipal user, RegistryDbContext db, IConfiguration config, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var role = ParseRole(request.Role, errors);
        if (request.IndividualId is null)
        {
            errors.Add("individualId", "The individual's id is required.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (await OrganizationAsync(orgId, db, ct) is null)
        {
            return Problems.NotFound("organization");
        }
        if (!await CanManageAsync(user, orgId, db, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only steering, the organization or its spokespersons manage its members.");
        }
        var individual = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.IndividualId && p.Status != ParticipantStatus.Erased, ct);
        if (individual is null || individual.Kind != ParticipantKind.Individual)
        {
            return new FieldErrors().Add("individualId", "No such individual.").ToProblem();
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (role == MembershipRole.Delegate && await CheckDelegatesAsync(orgId, db, config, ct) is { } tooMany)
        {
            return tooMany;
        }
        var now = time.GetUtcNow();
        var membership = new Membership { Id = Guid.CreateVersion7(now), OrganizationId = orgId, IndividualId = individual.Id, Role = role!.Value, Since = now, AddedBy = user.ParticipantId() };
        db.Memberships.Add(membership);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problems.Conflict("already-a-member", "This individual already belongs to this organization.");
        }
        return TypedResults.Created($"/api/registry/organizations/{orgId}/members/{individual.Id}", View(membership));
    }

    internal static async Task<Results<Ok<MemberView>, ValidationProblem, ProblemHttpResult>> Change(
        Guid orgId, Guid individualId, ChangeRole request, ClaimsPrincipal user, RegistryDbContext db, IConfiguration config, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var role = ParseRole(request.Role, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (!await CanManageAsync(user, orgId, db, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only steering, the organization or its spokespersons manage its members.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == orgId && m.IndividualId == individualId, ct);
        if (membership is null)
        {
            return Problems.NotFound("membership");
        }
        if (role == MembershipRole.Delegate && membership.Role != MembershipRole.Delegate && await CheckDelegatesAsync(orgId, db, config, ct) is { } tooMany)
        {
            return tooMany;
        }
        membership.Role = role!.Value;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(View(membership));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Remove(Guid orgId, Guid individualId, ClaimsPrincipal user, RegistryDbContext db, CancellationToken ct)
    {
        if (user.ParticipantId() != individualId && !await CanManageAsync(user, orgId, db, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only the member, steering, the organization or its spokespersons remove a membership.");
        }
        var removed = await db.Memberships.Where(m => m.OrganizationId == orgId && m.IndividualId == individualId).ExecuteDeleteAsync(ct);
        return removed == 0 ? Problems.NotFound("membership") : TypedResults.NoContent();
    }

    internal static async Task<Ok<List<MemberView>>> Mine(ClaimsPrincipal user, RegistryDbContext db, CancellationToken ct)
    {
        var id = user.ParticipantId();
        var list = await db.Memberships.AsNoTracking().Where(m => m.IndividualId == id || m.OrganizationId == id).OrderBy(m => m.Since).ToListAsync(ct);
        return TypedResults.Ok(list.Select(View).ToList());
    }
}
