using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Directory;

/// <summary>
/// The public directory: approved (active) organizations and movements, and individuals who opted
/// in; filtered by theme, governorate and kind; full-text search for Arabic and French; keyset
/// pages. Shows names, category, governorate (an individual's only with their consent) and themes — never contact details.
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

    public static Entry EntryOf(Participant p) => new(p.Id, Participant.KindName(p.Kind), p.Category, new Names(p.NameAr, p.NameFr, p.NameEn), p.PublicGovernorate, p.Themes);

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
        ParticipantKind? kind = null;
        if (!string.IsNullOrWhiteSpace(filter.Kind))
        {
            kind = Registration.ParseKind(filter.Kind, errors);
        }
        string? governorate = null;
        if (!string.IsNullOrWhiteSpace(filter.Governorate))
        {
            governorate = Registration.ParseGovernorate(filter.Governorate, errors);
        }
        var theme = string.IsNullOrWhiteSpace(filter.Theme) ? null : filter.Theme.Trim().ToLowerInvariant();
        string? tsquery = null;
        if (filter.Q is { Length: > 200 })
        {
            errors.Add("q", "The search text must be at most 200 characters.");
        }
        else
        {
            tsquery = SearchText.Query(filter.Q);
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
        var rows = await DirectorySearch.FindAsync(db, new DirectorySearch.Criteria(tsquery, theme, governorate, kind), cursor, size + 1, ct);
        var next = rows.Count > size ? rows[size - 1].Id.ToString() : null;
        return (new Page(rows.Count > size ? rows[..size] : rows, next), errors);
    }
}
