using Agora.Registry.Data;
using Agora.Registry.Participants;
using Agora.Registry.Privacy;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Mosaic;

/// <summary>
/// The representation mosaic: how active participants are spread by kind, governorate, gender,
/// age band, occupation and theme, with shares against targets
/// (<c>Registry:Mosaic:Targets:&lt;dimension&gt;:&lt;value&gt;</c>, a share between 0 and 1).
/// Small cells (under <see cref="MinimumCell"/>, zero included) are suppressed, and when a dimension would
/// have a single suppressed non-empty cell the next smallest is suppressed too, so no one can be
/// re-identified by subtraction. Individuals' governorate and demographics count only with consent.
/// </summary>
public static class MosaicApi
{
    public const int MinimumCell = SmallCells.Minimum;
    public const string Undeclared = "undeclared";

    public sealed record Cell(string Value, int? Count, double? Share, double? Target, double? Gap, bool Suppressed);

    public sealed record Dimension(string Name, int? Total, IReadOnlyList<Cell> Cells);

    public sealed record Report(int? Participants, IReadOnlyList<Dimension> Dimensions, int MinimumCell);

    public static IEndpointRouteBuilder MapMosaicApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/registry/mosaic", Get).RequireAuthorization(Policies.Participant);
        return endpoints;
    }

    internal static async Task<Ok<Report>> Get(RegistryDbContext db, PersonalDataProtector protector, IConfiguration config, CancellationToken ct)
    {
        var rows = await db.Participants.AsNoTracking().Where(p => p.Status == ParticipantStatus.Active)
            // The governorate as the directory shows it (Participant.PublicGovernorate): an individual's only with consent.
            .Select(p => new { p.Id, p.Kind, p.DirectoryGovernorate, p.Themes, p.DemographicsCipher, p.DemographicsConsentAt })
            .ToListAsync(ct);
        var people = rows.Select(r =>
        {
            var consented = r.DemographicsConsentAt is not null;
            var d = consented && r.DemographicsCipher is not null
                ? Demographics.FromJson(protector.Decrypt(r.DemographicsCipher, r.Id, Participant.DemographicsField))
                : null;
            return new { Kind = Participant.KindName(r.Kind), Governorate = r.DirectoryGovernorate, d?.Gender, d?.AgeBand, d?.Occupation, r.Themes, IsIndividual = r.Kind == ParticipantKind.Individual };
        }).ToList();
        var individuals = people.Where(p => p.IsIndividual).ToList();

        var dimensions = new List<Dimension>
        {
            Build("kind", people.Select(p => (string?)p.Kind), ["organization", "movement", "individual"], config),
            Build("governorate", people.Select(p => p.Governorate), Reference.Governorates, config),
            Build("gender", individuals.Select(p => p.Gender), Reference.Genders, config),
            Build("ageBand", individuals.Select(p => p.AgeBand), Reference.AgeBands, config),
            Build("occupation", individuals.Select(p => p.Occupation), Reference.Occupations, config),
            BuildMulti("theme", people.Select(p => (IReadOnlyList<string>)p.Themes), people.Count, config),
        };
        return TypedResults.Ok(new Report(people.Count < MinimumCell ? null : people.Count, dimensions, MinimumCell));
    }

    private static Dimension Build(string name, IEnumerable<string?> values, IReadOnlyList<string> known, IConfiguration config)
    {
        var list = values.ToList();
        var counts = known.ToDictionary(k => k, k => list.Count(v => v == k), StringComparer.Ordinal);
        counts[Undeclared] = list.Count(v => v is null);
        return Suppress(name, list.Count, counts, config, complementary: true);
    }

    /// <summary>Themes: a participant may hold several; shares are of all participants.</summary>
    private static Dimension BuildMulti(string name, IEnumerable<IReadOnlyList<string>> values, int total, IConfiguration config)
    {
        var counts = values.SelectMany(v => v).GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return Suppress(name, total, counts, config, complementary: false);
    }

    private static Dimension Suppress(string name, int total, Dictionary<string, int> counts, IConfiguration config, bool complementary)
    {
        var cells = counts.Select(c => (c.Key, (int?)c.Value)).ToList();
        var suppressed = SmallCells.Hidden(cells, complementary).Select(i => cells[i].Key).ToHashSet(StringComparer.Ordinal);
        var showTotal = total >= MinimumCell;
        var shown = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c =>
        {
            var target = config.GetValue<double?>($"Registry:Mosaic:Targets:{name}:{c.Key}");
            if (suppressed.Contains(c.Key) || !showTotal)
            {
                return new Cell(c.Key, null, null, target, null, true);
            }
            var share = total == 0 ? 0 : Math.Round((double)c.Value / total, 4);
            return new Cell(c.Key, c.Value, share, target, target is null ? null : Math.Round(share - target.Value, 4), false);
        }).ToList();
        return new Dimension(name, showTotal ? total : null, shown);
    }
}
