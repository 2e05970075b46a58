using System.Collections.Concurrent;
using Agora.Registry.Data;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Participants;

/// <summary>
/// The theme slugs this process has seen in the managed list. Themes are only ever added (a slug
/// is never removed or renamed), so a slug seen once stays valid: a registration whose themes are
/// all known needs no query, and only an unseen slug is looked up (a theme just added by steering,
/// through this replica or another, is found then).
/// </summary>
public sealed class KnownThemes
{
    private readonly ConcurrentDictionary<string, bool> known = new(StringComparer.Ordinal);

    /// <summary>The subset of <paramref name="requested"/> (normalized slugs) that is in the managed list.</summary>
    public async Task<HashSet<string>> FindAsync(RegistryDbContext db, IReadOnlyList<string> requested, CancellationToken ct)
    {
        var found = requested.Where(known.ContainsKey).ToHashSet(StringComparer.Ordinal);
        var unseen = requested.Where(t => !found.Contains(t)).ToList();
        if (unseen.Count > 0)
        {
            foreach (var slug in await db.Themes.Where(t => unseen.Contains(t.Slug)).Select(t => t.Slug).ToListAsync(ct))
            {
                known.TryAdd(slug, true);
                found.Add(slug);
            }
        }
        return found;
    }
}
