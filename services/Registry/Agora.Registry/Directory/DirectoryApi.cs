using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Directory;

/// <summary>
/// The public directory: approved (active) organizations and movements, and individuals who opted
/// in; filtered by theme, governorate and kind; full-text search for Arabic and French; keyset
/// pages. Shows names, category, governorate and themes — never contact details.
/// </summary>
public static class DirectoryApi
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public sealed record Entry(Guid Id, string Kind, string? Category, Names Names, string? Governorate, IReadOnlyList<string> Themes);

    public sealed record Page(IReadOnlyList<Entry> Items, string? Next);

    public sealed record Filter(string? Q, string? Theme, string? Governorate, string? Kind, string? After, int? Limit);

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/registry/directory", Search).AllowAnonymous();
        return endpoints;
    }

    public static Entry EntryOf(Participant p) => new(p.Id, Participant.KindName(p.Kind), p.Category, new Names(p.NameAr, p.NameFr, p.NameEn), p.Governorate, p.Themes);

    /// <summary>Everything listed, as a query (shared with the partner gRPC API).</summary>
    public static IQueryable<Participant> Listed(RegistryDbContext db) =>
        db.Participants.AsNoTracking().Where(p => p.Status == ParticipantStatus.Active && p.DirectoryOptIn);

    internal static async Task<Results<Ok<Page>, ValidationProblem>> Search(
        RegistryDbContext db, string? q, string? theme, string? governorate, string? kind, string? after, int? limit, CancellationToken ct)
    {
        var (page, errors) = await QueryAsync(db, new Filter(q, theme, governorate, kind, after, limit), ct);
        return page is null ? errors.ToProblem() : TypedResults.Ok(page);
    }

    public static async Task<(Page? Page, FieldErrors Errors)> QueryAsync(RegistryDbContext db, Filter filter, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = Listed(db);
        if (!string.IsNullOrWhiteSpace(filter.Kind))
        {
            var k = Registration.ParseKind(filter.Kind, errors);
            query = k is null ? query : query.Where(p => p.Kind == k);
        }
        if (!string.IsNullOrWhiteSpace(filter.Governorate))
        {
            var g = Registration.ParseGovernorate(filter.Governorate, errors);
            query = g is null ? query : query.Where(p => p.Governorate == g);
        }
        if (!string.IsNullOrWhiteSpace(filter.Theme))
        {
            var t = filter.Theme.Trim().ToLowerInvariant();
            query = query.Where(p => p.Themes.Contains(t));
        }
        if (filter.Q is { Length: > 200 })
        {
            errors.Add("q", "The search text must be at most 200 characters.");
        }
        else if (SearchText.Query(filter.Q) is { } tsquery)
        {
            query = query.Where(p => p.SearchVector.Matches(EF.Functions.ToTsQuery("simple", tsquery)));
        }
        var size = filter.Limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            errors.Add("limit", $"The limit must be between 1 and {MaxPageSize}.");
        }
        Guid? cursor = null;
        if (!string.IsNullOrEmpty(filter.After))
        {
            if (Guid.TryParse(filter.After, out var a))
            {
                cursor = a;
            }
            else
            {
                errors.Add("after", "The cursor is not valid.");
            }
        }
        if (errors.Any)
        {
            return (null, errors);
        }
        if (cursor is Guid c)
        {
            query = query.Where(p => p.Id.CompareTo(c) > 0);
        }
        var rows = await query.OrderBy(p => p.Id).Take(size + 1).ToListAsync(ct);
        var next = rows.Count > size ? rows[size - 1].Id.ToString() : null;
        return (new Page([.. rows.Take(size).Select(EntryOf)], next), errors);
    }
}
