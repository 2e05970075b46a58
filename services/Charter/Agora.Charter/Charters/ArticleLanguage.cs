using Agora.Charter.Statements;
using Microsoft.Net.Http.Headers;

namespace Agora.Charter.Charters;

/// <summary>
/// Which language to serve an article in: the <c>lang</c> query value, else the Accept-Language header (by quality),
/// then Arabic, French, English; the article's original text when it has none of them — never empty.
/// </summary>
public static class ArticleLanguage
{
    /// <summary>The languages to try, best first (only ar, fr, en; region subtags ignored: fr-TN → fr).</summary>
    public static IReadOnlyList<string> Preferences(HttpRequest request)
    {
        var wanted = new List<string>();
        void Add(string? tag)
        {
            var primary = tag?.Split('-', 2)[0].Trim().ToLowerInvariant();
            if (primary is not null && Statement.Languages.Contains(primary) && !wanted.Contains(primary))
            {
                wanted.Add(primary);
            }
        }
        Add(request.Query["lang"].FirstOrDefault());
        var accepted = request.GetTypedHeaders().AcceptLanguage;
        foreach (var value in accepted.Where(v => v.Quality is null or > 0).OrderByDescending(v => v.Quality ?? 1))
        {
            Add(value.Value.Value);
        }
        foreach (var fallback in Statement.Languages)
        {
            Add(fallback);
        }
        return wanted;
    }

    /// <summary>The text to show and its language (null when only the original, untranslated text exists).</summary>
    public static (string Text, string? Language) Pick(Article article, IReadOnlyList<string> preferences)
    {
        foreach (var language in preferences)
        {
            if (article.Translation(language) is { Length: > 0 } text)
            {
                return (text, language);
            }
        }
        return (article.Text, null);
    }

    /// <summary>An article's text in one language from its statements' translations; null unless every statement has one.</summary>
    public static string? Assemble(IReadOnlyList<Statement> statements, string language) =>
        statements.All(s => s.Translation(language) is { Length: > 0 })
            ? string.Join('\n', statements.Select(s => s.Translation(language)))
            : null;
}
