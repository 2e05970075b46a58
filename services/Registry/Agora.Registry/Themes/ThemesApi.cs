using System.Text.RegularExpressions;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Themes;

public static partial class ThemesApi
{
    public sealed record ThemeView(string Slug, string Ar, string Fr, string En);

    public sealed record AddTheme(string? Slug, string? Ar, string? Fr, string? En);

    public static IEndpointRouteBuilder MapThemesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/registry/themes");
        group.MapGet("/", List).AllowAnonymous();
        group.MapPost("/", Add).RequireAuthorization(Policies.Steering);
        return endpoints;
    }

    internal static async Task<Ok<List<ThemeView>>> List(RegistryDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Themes.AsNoTracking().OrderBy(t => t.Slug).Select(t => new ThemeView(t.Slug, t.LabelAr, t.LabelFr, t.LabelEn)).ToListAsync(ct));

    internal static async Task<Results<Created<ThemeView>, ValidationProblem, ProblemHttpResult>> Add(AddTheme request, RegistryDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var slug = request.Slug?.Trim().ToLowerInvariant();
        if (slug is null || !SlugPattern().IsMatch(slug))
        {
            errors.Add("slug", "The slug must be 2–60 lower-case letters, digits or dashes.");
        }
        var ar = request.Ar is null ? null : Registration.CleanName(request.Ar, "ar", errors);
        var fr = request.Fr is null ? null : Registration.CleanName(request.Fr, "fr", errors);
        var en = request.En is null ? null : Registration.CleanName(request.En, "en", errors);
        if (request.Ar is null || request.Fr is null || request.En is null)
        {
            errors.Add("labels", "A theme has a label in each of ar, fr and en.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (await db.Themes.AnyAsync(t => t.Slug == slug, ct))
        {
            return Problems.Conflict("duplicate-theme", "This theme already exists.");
        }
        db.Themes.Add(new Theme { Slug = slug!, LabelAr = ar!, LabelFr = fr!, LabelEn = en! });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/registry/themes/{slug}", new ThemeView(slug!, ar!, fr!, en!));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,59}$")]
    private static partial Regex SlugPattern();
}
