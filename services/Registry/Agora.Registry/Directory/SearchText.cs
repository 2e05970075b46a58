using System.Globalization;
using System.Text;
using Agora.Registry.Data;
using Agora.Registry.Participants;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Directory;

/// <summary>
/// Normalizes text for search in Arabic and French alike, in C# (PostgreSQL's <c>simple</c>
/// configuration then only splits words): lower case; accents and Arabic short vowels
/// (harakat) removed; alef forms, ta marbuta, alef maqsura and tatweel folded.
/// </summary>
public static class SearchText
{
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.Format or UnicodeCategory.Control || c == '\u0640')
            {
                continue; // accents, harakat, bidi marks, tatweel
            }
            builder.Append(c switch
            {
                'أ' or 'إ' or 'آ' or 'ٱ' => 'ا',
                'ة' => 'ه',
                'ى' => 'ي',
                'ؤ' => 'و',
                'ئ' => 'ي',
                _ when char.IsLetterOrDigit(c) => char.ToLowerInvariant(c),
                _ => ' ',
            });
        }
        return string.Join(' ', builder.ToString().Normalize(NormalizationForm.FormC).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static readonly string[] ArabicPrefixes = ["وال", "بال", "كال", "فال", "لل", "ال"];

    /// <summary>
    /// A light Arabic stem: the article and the particles glued to it (ال، لل، وال، بال، كال، فال)
    /// come off, so "للشغل" and "الشغل" both give "شغل".
    /// </summary>
    public static string Stem(string word)
    {
        foreach (var prefix in ArabicPrefixes)
        {
            if (word.Length - prefix.Length >= 2 && word.StartsWith(prefix, StringComparison.Ordinal))
            {
                return word[prefix.Length..];
            }
        }
        return word;
    }

    /// <summary>
    /// What the directory searches: the names, the category and the public governorate (an individual's only with their
    /// consent) — each word as written and stemmed.
    /// </summary>
    public static string For(Participant p)
    {
        var words = Normalize(string.Join(' ', new[] { p.NameAr, p.NameFr, p.NameEn, p.DisplayName, p.Category, p.PublicGovernorate }.Where(s => s is not null)))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.SelectMany(w => Stem(w) is var stem && stem != w ? new[] { w, stem } : [w]).Distinct());
    }

    /// <summary>
    /// Rows saved before an individual's governorate needed their consent to be searchable still hold it in
    /// <c>search_text</c>: this recomputes the search text of every individual without consent whose words still include
    /// their governorate's (run by <c>--migrate</c>, after the migrations; a rerun only rechecks the few whose names hold
    /// those words). Returns how many rows changed.
    /// </summary>
    public static async Task<int> HideUnconsentedGovernoratesAsync(RegistryDbContext db, CancellationToken ct)
    {
        var changed = 0;
        var after = Guid.Empty;
        while (true)
        {
            var batch = await db.Participants.AsNoTracking()
                .Where(p => p.Kind == ParticipantKind.Individual && p.DemographicsConsentAt == null && p.Governorate != null && p.Id.CompareTo(after) > 0
                    && p.SearchVector.Matches(EF.Functions.PlainToTsQuery("simple", p.Governorate!.Replace("-", " "))))
                .OrderBy(p => p.Id).Take(500).ToListAsync(ct);
            foreach (var p in batch)
            {
                var text = For(p);
                if (text != p.SearchText)
                {
                    // Only if unchanged meanwhile: a concurrent save has already recomputed it.
                    changed += await db.Participants.Where(x => x.Id == p.Id && x.SearchText == p.SearchText)
                        .ExecuteUpdateAsync(u => u.SetProperty(x => x.SearchText, text), ct);
                }
            }
            if (batch.Count < 500)
            {
                return changed;
            }
            after = batch[^1].Id;
        }
    }

    /// <summary>A prefix query every (stemmed) word must match (<c>word:* &amp; word:*</c>), or null when nothing is searchable.</summary>
    public static string? Query(string? text)
    {
        var words = Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Stem).Distinct().Take(8).ToList();
        return words.Count == 0 ? null : string.Join(" & ", words.Select(w => w + ":*"));
    }
}
