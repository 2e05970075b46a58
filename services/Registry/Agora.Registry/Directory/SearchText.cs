using System.Globalization;
using System.Text;
using Agora.Registry.Participants;

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

    /// <summary>What the directory searches: the names, the category and the governorate — each word as written and stemmed.</summary>
    public static string For(Participant p)
    {
        var words = Normalize(string.Join(' ', new[] { p.NameAr, p.NameFr, p.NameEn, p.DisplayName, p.Category, p.Governorate }.Where(s => s is not null)))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.SelectMany(w => Stem(w) is var stem && stem != w ? new[] { w, stem } : [w]).Distinct());
    }

    /// <summary>A prefix query every (stemmed) word must match (<c>word:* &amp; word:*</c>), or null when nothing is searchable.</summary>
    public static string? Query(string? text)
    {
        var words = Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Stem).Distinct().Take(8).ToList();
        return words.Count == 0 ? null : string.Join(" & ", words.Select(w => w + ":*"));
    }
}
