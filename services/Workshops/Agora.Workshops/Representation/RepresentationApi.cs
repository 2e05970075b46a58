using System.Security.Claims;
using Agora.ServiceDefaults;
using Agora.Workshops.Data;
using Agora.Workshops.Profiles;
using Agora.Workshops.Programme;
using Agora.Workshops.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Representation;

/// <param name="Count">Null when suppressed.</param>
public sealed record Cell(string Value, int? Count, bool Suppressed);

public sealed record Breakdown(int? Total, IReadOnlyDictionary<string, IReadOnlyList<Cell>> Dimensions);

public sealed record RepresentationView(Guid WorkshopId, int MinimumCell, Breakdown Registrants, Breakdown Attendees);

/// <summary>
/// Who a workshop reaches, by constituency, from the consented attributes in the local read model.
/// No cell under <see cref="MinimumCell"/> is shown; where one cell alone is hidden, the next
/// smallest is hidden too so it cannot be worked out from the total.
/// </summary>
public static class RepresentationApi
{
    public const int MinimumCell = SmallCells.Minimum;
    public const string Undeclared = "undeclared";
    public const string SuppressedCell = "suppressed";

    public static RouteGroupBuilder MapRepresentationApi(this RouteGroupBuilder api)
    {
        api.MapGet("/workshops/{id:guid}/representation", GetAsync).RequireAuthorization(Policies.FacilitatorOrSteering);
        return api;
    }

    internal static async Task<Results<Ok<RepresentationView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, WorkshopsDbContext db, CancellationToken ct)
    {
        var workshop = await db.Workshops.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (workshop is null)
        {
            return Problems.NotFound("workshop");
        }
        if (!workshop.IsManagedBy(user))
        {
            return ProgrammeApi.Forbidden();
        }
        var people = await db.Registrations.AsNoTracking()
            .Where(r => r.WorkshopId == id && r.Status != RegistrationStatus.Cancelled)
            .GroupBy(r => r.ParticipantId)
            .Select(g => new { ParticipantId = g.Key, Attended = g.Any(r => r.CheckedInAt != null) })
            .ToListAsync(ct);
        var ids = people.Select(p => p.ParticipantId).ToList();
        var profiles = await db.Profiles.AsNoTracking().Where(p => ids.Contains(p.ParticipantId)).ToDictionaryAsync(p => p.ParticipantId, ct);
        var registrants = people.Select(p => profiles.GetValueOrDefault(p.ParticipantId)).ToList();
        var attendees = people.Where(p => p.Attended).Select(p => profiles.GetValueOrDefault(p.ParticipantId)).ToList();
        return TypedResults.Ok(new RepresentationView(id, MinimumCell, Break(registrants), Break(attendees)));
    }

    public static Breakdown Break(IReadOnlyList<ParticipantProfile?> people)
    {
        var dimensions = new Dictionary<string, Func<ParticipantProfile?, string?>>
        {
            ["kind"] = p => p?.Kind,
            ["governorate"] = p => p?.Governorate,
            ["gender"] = p => p?.Gender,
            ["ageBand"] = p => p?.AgeBand,
            ["occupation"] = p => p?.Occupation,
        };
        if (people.Count < MinimumCell)
        {
            return new Breakdown(null, dimensions.Keys.ToDictionary(k => k, IReadOnlyList<Cell> (_) => [], StringComparer.Ordinal));
        }
        return new Breakdown(people.Count, dimensions.ToDictionary(d => d.Key,
            d => Suppress(people.GroupBy(p => d.Value(p) ?? Undeclared).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal)),
            StringComparer.Ordinal));
    }

    /// <summary>Hides cells under the minimum; if only one is hidden, also hides the smallest shown one.</summary>
    public static IReadOnlyList<Cell> Suppress(IReadOnlyDictionary<string, int> counts)
    {
        var all = counts.Select(c => (c.Key, (int?)c.Value)).ToList();
        var hidden = SmallCells.Hidden(all).Select(i => all[i].Key).ToHashSet(StringComparer.Ordinal);
        // Hidden cells are not even named: which small groups are present is itself telling.
        var cells = counts.Where(c => !hidden.Contains(c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new Cell(c.Key, c.Value, false)).ToList();
        if (hidden.Count > 0)
        {
            cells.Add(new Cell(SuppressedCell, null, true));
        }
        return cells;
    }
}
