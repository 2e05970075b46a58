using System.Security.Claims;
using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agora.Registry.Memberships;

/// <summary>
/// Individuals belong to organizations and movements as member, delegate or spokesperson; an
/// organization names at most <c>Registry:MaxDelegatesPerOrganization</c> delegates. Managed by
/// steering, the organization's own account, or one of its active spokespersons. Adding someone
/// only invites them: the membership is real (seen by the other members, giving its role's rights)
/// once the individual accepts it (<c>POST /api/registry/me/memberships/{orgId}/accept</c>). An individual who
/// declines an invitation cannot be invited again by that organization for <see cref="MembershipOptions.ReinviteAfter"/>.
/// </summary>
public static class MembershipsApi
{
    public const string MaxDelegatesSetting = "Registry:MaxDelegatesPerOrganization";

    public sealed record AddMember(Guid? IndividualId, string? Role);

    public sealed record ChangeRole(string? Role);

    public sealed record MemberView(Guid OrganizationId, Guid IndividualId, string Role, DateTimeOffset Since, string Status);

    public static IEndpointRouteBuilder MapMembershipsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/registry/organizations/{orgId:guid}/members").RequireAuthorization(Policies.Participant);
        group.MapGet("/", List);
        group.MapPost("/", Add);
        group.MapPut("/{individualId:guid}", Change);
        group.MapDelete("/{individualId:guid}", Remove);
        endpoints.MapGet("/api/registry/me/memberships", Mine).RequireAuthorization(Policies.Participant);
        endpoints.MapPost("/api/registry/me/memberships/{orgId:guid}/accept", Accept).RequireAuthorization(Policies.Participant);
        return endpoints;
    }

    private static MemberView View(Membership m) => new(m.OrganizationId, m.IndividualId, Participant.Lower(m.Role), m.Since, Participant.Lower(m.Status));

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
            || await db.Memberships.AnyAsync(m => m.OrganizationId == orgId && m.IndividualId == caller && m.Role == MembershipRole.Spokesperson
                && m.Status == MembershipStatus.Active, ct);
    }

    private static Task<Participant?> OrganizationAsync(Guid orgId, RegistryDbContext db, CancellationToken ct) =>
        db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == orgId && p.Status != ParticipantStatus.Erased
            && (p.Kind == ParticipantKind.Organization || p.Kind == ParticipantKind.Movement), ct);

    /// <summary>
    /// Locks the organization's row (<c>FOR UPDATE</c>, in the caller's transaction) before counting its
    /// delegates, so concurrent nominations and acceptances for one organization are counted one after
    /// the other and can never exceed the maximum together. A nomination counts the invited delegates
    /// too (an invitation holds its seat until it is accepted, declined or withdrawn); an acceptance
    /// (<paramref name="activeOnly"/>) counts only the accepted ones, so that even invitations made
    /// under a larger maximum never let accepted delegates exceed the current one.
    /// </summary>
    private static async Task<ProblemHttpResult?> CheckDelegatesAsync(Guid orgId, RegistryDbContext db, IConfiguration config, CancellationToken ct, bool activeOnly = false)
    {
        await LockOrganizationAsync(orgId, db, ct);
        var max = config.GetValue(MaxDelegatesSetting, 5);
        var count = await db.Memberships.CountAsync(m => m.OrganizationId == orgId && m.Role == MembershipRole.Delegate
            && (!activeOnly || m.Status == MembershipStatus.Active), ct);
        return count >= max
            ? Problems.Conflict("too-many-delegates", "This organization already names its maximum number of delegates.", $"At most {max} delegates per organization.")
            : null;
    }

    private static async Task LockOrganizationAsync(Guid orgId, RegistryDbContext db, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM participants WHERE id = {orgId} FOR UPDATE", ct);

    internal static async Task<Results<Ok<List<MemberView>>, ProblemHttpResult>> List(Guid orgId, ClaimsPrincipal user, RegistryDbContext db, CancellationToken ct)
    {
        if (await OrganizationAsync(orgId, db, ct) is null)
        {
            return Problems.NotFound("organization");
        }
        var caller = user.ParticipantId();
        var manages = await CanManageAsync(user, orgId, db, ct);
        if (!manages && !await db.Memberships.AnyAsync(m => m.OrganizationId == orgId && m.IndividualId == caller && m.Status == MembershipStatus.Active, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only the organization, its members and steering see its members.");
        }
        // Invitations are shown only to those who manage the organization: until accepted, nobody else learns of them.
        var members = await db.Memberships.AsNoTracking().Where(m => m.OrganizationId == orgId && (manages || m.Status == MembershipStatus.Active))
            .OrderBy(m => m.Since).ToListAsync(ct);
        return TypedResults.Ok(members.Select(View).ToList());
    }

    internal static async Task<Results<Created<MemberView>, ValidationProblem, ProblemHttpResult>> Add(
        Guid orgId, AddMember request, ClaimsPrincipal user, RegistryDbContext db, IConfiguration config, IOptions<MembershipOptions> options,
        TimeProvider time, CancellationToken ct)
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
        var now = time.GetUtcNow();
        // Declined lately: no new invitation (nor its MembershipInvited) until the period has passed, so that
        // repeated invitations cannot be used to harass the individual.
        var declined = await db.DeclinedInvitations.AsNoTracking().Where(d => d.OrganizationId == orgId && d.IndividualId == individual.Id)
            .Select(d => (DateTimeOffset?)d.DeclinedAt).FirstOrDefaultAsync(ct);
        if (declined + options.Value.ReinviteAfter is { } invitableAgainAt && invitableAgainAt > now)
        {
            var refused = Problems.Conflict("invitation-declined", "This individual declined this organization's invitation lately.",
                $"They may be invited again from {invitableAgainAt:O}.");
            refused.ProblemDetails.Extensions["invitableAgainAt"] = invitableAgainAt;
            return refused;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (role == MembershipRole.Delegate && await CheckDelegatesAsync(orgId, db, config, ct) is { } tooMany)
        {
            return tooMany;
        }
        // The period has passed: the old decline serves no more.
        if (declined is not null)
        {
            await db.DeclinedInvitations.Where(d => d.OrganizationId == orgId && d.IndividualId == individual.Id).ExecuteDeleteAsync(ct);
        }
        var membership = new Membership
        {
            Id = Guid.CreateVersion7(now), OrganizationId = orgId, IndividualId = individual.Id, Role = role!.Value, Status = MembershipStatus.Invited,
            Since = now, AddedBy = user.ParticipantId(),
        };
        db.Memberships.Add(membership);
        // The invitee is told (notifications): in the invitation's transaction, through the outbox.
        db.AddEvent(new MembershipInvited(individual.Id, orgId, Participant.Lower(membership.Role), now), now);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problems.Conflict("already-a-member", "This individual already belongs to, or is invited by, this organization.");
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

    /// <summary>
    /// Removes a membership or an invitation. The invitee removing their own invitation declines it: that is recorded
    /// (<see cref="DeclinedInvitation"/>), in the same transaction, and the organization cannot invite them again for
    /// <see cref="MembershipOptions.ReinviteAfter"/>. A manager withdrawing an invitation, or a member leaving, records nothing.
    /// Declines whose period has passed, anyone's, are deleted at the same time: they serve no more, and are personal data.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid orgId, Guid individualId, ClaimsPrincipal user, RegistryDbContext db, TimeProvider time, IOptions<MembershipOptions> options, CancellationToken ct)
    {
        if (user.ParticipantId() != individualId && !await CanManageAsync(user, orgId, db, ct))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Only the member, steering, the organization or its spokespersons remove a membership.");
        }
        if (user.ParticipantId() == individualId)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Only a pending invitation is declined; a concurrent acceptance that committed first makes this delete nothing (a member leaving, below).
            var declined = await db.Memberships.Where(m => m.OrganizationId == orgId && m.IndividualId == individualId && m.Status == MembershipStatus.Invited)
                .ExecuteDeleteAsync(ct);
            if (declined > 0)
            {
                var now = time.GetUtcNow();
                var expired = now - options.Value.ReinviteAfter;
                await db.DeclinedInvitations.Where(d => (d.OrganizationId == orgId && d.IndividualId == individualId) || d.DeclinedAt <= expired)
                    .ExecuteDeleteAsync(ct);
                db.DeclinedInvitations.Add(new DeclinedInvitation { OrganizationId = orgId, IndividualId = individualId, DeclinedAt = now });
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return TypedResults.NoContent();
            }
        }
        var removed = await db.Memberships.Where(m => m.OrganizationId == orgId && m.IndividualId == individualId).ExecuteDeleteAsync(ct);
        return removed == 0 ? Problems.NotFound("membership") : TypedResults.NoContent();
    }

    /// <summary>
    /// The invited individual accepts: the invitation becomes a membership. Idempotent (an accepted one
    /// answers 200 again); 404 when there is no invitation; 409 too-many-delegates when the organization
    /// already has its maximum of accepted delegates (checked under the organization's row lock).
    /// </summary>
    internal static async Task<Results<Ok<MemberView>, ProblemHttpResult>> Accept(
        Guid orgId, ClaimsPrincipal user, RegistryDbContext db, IConfiguration config, TimeProvider time, CancellationToken ct)
    {
        var caller = user.ParticipantId();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The lock first, then the read: a nomination or promotion to delegate holding the lock is counted before this
        // acceptance, and a role it changed is read as it now is.
        await LockOrganizationAsync(orgId, db, ct);
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == orgId && m.IndividualId == caller, ct);
        if (membership is null)
        {
            return Problems.NotFound("invitation");
        }
        if (membership.Status == MembershipStatus.Active)
        {
            return TypedResults.Ok(View(membership));
        }
        if (membership.Role == MembershipRole.Delegate && await CheckDelegatesAsync(orgId, db, config, ct, activeOnly: true) is { } tooMany)
        {
            return tooMany;
        }
        membership.Status = MembershipStatus.Active;
        membership.Since = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(View(membership));
    }

    internal static async Task<Ok<List<MemberView>>> Mine(ClaimsPrincipal user, RegistryDbContext db, CancellationToken ct)
    {
        var id = user.ParticipantId();
        var list = await db.Memberships.AsNoTracking().Where(m => m.IndividualId == id || m.OrganizationId == id).OrderBy(m => m.Since).ToListAsync(ct);
        return TypedResults.Ok(list.Select(View).ToList());
    }
}
