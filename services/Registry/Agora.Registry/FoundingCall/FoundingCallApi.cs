using System.Security.Claims;
using Agora.Registry.Data;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.FoundingCall;

public static class FoundingCallApi
{
    public sealed record FoundingCallView(int Version, string Ar, string Fr, string En, DateTimeOffset PublishedAt);

    public sealed record PublishFoundingCall(string? Ar, string? Fr, string? En);

    public static IEndpointRouteBuilder MapFoundingCallApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/registry/founding-call");
        group.MapGet("/", Current).AllowAnonymous();
        group.MapGet("/versions", Versions).AllowAnonymous();
        group.MapPost("/versions", Publish).RequireAuthorization(Policies.Steering);
        return endpoints;
    }

    private static FoundingCallView View(FoundingCallVersion v) => new(v.Version, v.TextAr, v.TextFr, v.TextEn, v.PublishedAt);

    internal static async Task<Ok<FoundingCallView>> Current(RegistryDbContext db, CancellationToken ct) =>
        TypedResults.Ok(View(await db.FoundingCallVersions.AsNoTracking().OrderByDescending(v => v.Version).FirstAsync(ct)));

    internal static async Task<Ok<List<FoundingCallView>>> Versions(RegistryDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.FoundingCallVersions.AsNoTracking().OrderBy(v => v.Version).ToListAsync(ct)).Select(View).ToList());

    internal static async Task<Results<Created<FoundingCallView>, ValidationProblem, ProblemHttpResult>> Publish(
        PublishFoundingCall request, ClaimsPrincipal user, RegistryDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        foreach (var (field, text) in new[] { ("ar", request.Ar), ("fr", request.Fr), ("en", request.En) })
        {
            if (string.IsNullOrWhiteSpace(text) || text.Length > 20_000)
            {
                errors.Add(field, "The founding call's text is required in ar, fr and en (at most 20,000 characters each).");
            }
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var current = await db.FoundingCallVersions.MaxAsync(v => v.Version, ct);
        var version = new FoundingCallVersion
        {
            Version = current + 1,
            TextAr = request.Ar!.Trim(),
            TextFr = request.Fr!.Trim(),
            TextEn = request.En!.Trim(),
            PublishedAt = time.GetUtcNow(),
            PublishedBy = user.ParticipantId(),
        };
        db.FoundingCallVersions.Add(version);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problems.Conflict("concurrent-publication", "Another version was published at the same time; try again.");
        }
        return TypedResults.Created($"/api/registry/founding-call/versions/{version.Version}", View(version));
    }
}
