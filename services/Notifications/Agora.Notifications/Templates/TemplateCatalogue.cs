using System.Text;
using System.Text.RegularExpressions;

namespace Agora.Notifications.Templates;

/// <summary>A message rendered in one language.</summary>
public sealed record RenderedMessage(string TemplateKey, string Language, string Title, string Body)
{
    public string Direction => Languages.Direction(Language);
}

/// <summary>One notification text: its category (for preferences) and its title/body per language.</summary>
public sealed record MessageTemplate(string Key, string Category, IReadOnlyDictionary<string, (string Title, string Body)> Texts);

/// <summary>Thrown when a template key is not in the catalogue, or a placeholder has no value.</summary>
public sealed class TemplateException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

public static class Languages
{
    public static readonly IReadOnlyList<string> Supported = ["ar", "fr", "en"];

    public static bool IsSupported(string? language) => language is "ar" or "fr" or "en";

    public static string Direction(string language) => language == "ar" ? "rtl" : "ltr";

    /// <summary>
    /// The order in which languages are tried: the preferred one, then the participant's fallbacks,
    /// then Arabic, French and English. Unsupported or repeated entries are dropped.
    /// </summary>
    public static IReadOnlyList<string> Chain(IEnumerable<string?> preferences) =>
        preferences.Concat(Supported)
            .Where(IsSupported).Select(l => l!).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>
/// Every notification text in Arabic, French and English. <see cref="Validate"/> (run at start-up and
/// in the tests) checks that each key has all three languages, non-empty, with the same placeholders.
/// </summary>
public sealed partial class TemplateCatalogue(IEnumerable<MessageTemplate> templates)
{
    /// <summary>The inline template: its texts come with the message (announcements), as <c>title.&lt;lang&gt;</c>/<c>body.&lt;lang&gt;</c> parameters.</summary>
    public const string Announcement = "announcement";

    private readonly Dictionary<string, MessageTemplate> byKey = templates.ToDictionary(t => t.Key, StringComparer.Ordinal);

    public IEnumerable<MessageTemplate> All => byKey.Values;

    public bool TryGet(string key, out MessageTemplate template) => byKey.TryGetValue(key, out template!);

    public string CategoryOf(string key) =>
        byKey.TryGetValue(key, out var t) ? t.Category : throw new TemplateException("unknown-template", $"Unknown template key '{key}'.");

    /// <summary>Every problem in the catalogue: a missing or empty language, placeholders that differ between languages.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var template in byKey.Values)
        {
            foreach (var language in Languages.Supported)
            {
                if (!template.Texts.TryGetValue(language, out var text) || string.IsNullOrWhiteSpace(text.Title) || string.IsNullOrWhiteSpace(text.Body))
                {
                    problems.Add($"{template.Key}: no text in '{language}'");
                }
            }
            var reference = template.Texts.Values.Select(Placeholders).FirstOrDefault();
            foreach (var (language, text) in template.Texts)
            {
                if (reference is not null && !Placeholders(text).SetEquals(reference))
                {
                    problems.Add($"{template.Key}: placeholders in '{language}' differ ({string.Join(", ", Placeholders(text).Order())} vs {string.Join(", ", reference.Order())})");
                }
            }
        }
        return problems;
    }

    /// <summary>
    /// Renders <paramref name="key"/> in the first language of <paramref name="languages"/> that has a
    /// text (then Arabic, French, English); never returns an empty message.
    /// </summary>
    public RenderedMessage Render(string key, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<string> languages)
    {
        if (!byKey.TryGetValue(key, out var template))
        {
            throw new TemplateException("unknown-template", $"Unknown template key '{key}'.");
        }
        foreach (var language in Languages.Chain(languages))
        {
            if (key == Announcement)
            {
                if (parameters.TryGetValue($"title.{language}", out var title) && parameters.TryGetValue($"body.{language}", out var body)
                    && !string.IsNullOrWhiteSpace(title) && !string.IsNullOrWhiteSpace(body))
                {
                    return new RenderedMessage(key, language, title, body);
                }
                continue;
            }
            if (template.Texts.TryGetValue(language, out var text) && !string.IsNullOrWhiteSpace(text.Title) && !string.IsNullOrWhiteSpace(text.Body))
            {
                return new RenderedMessage(key, language, Fill(key, text.Title, parameters), Fill(key, text.Body, parameters));
            }
        }
        throw new TemplateException("no-text", $"Template '{key}' has no text in any language.");
    }

    private static string Fill(string key, string text, IReadOnlyDictionary<string, string> parameters) =>
        PlaceholderPattern().Replace(text, m => parameters.TryGetValue(m.Groups[1].Value, out var value)
            ? value
            : throw new TemplateException("missing-parameter", $"Template '{key}' needs the parameter '{m.Groups[1].Value}'."));

    private static HashSet<string> Placeholders((string Title, string Body) text) =>
        PlaceholderPattern().Matches(text.Title + "\n" + text.Body).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\{([a-zA-Z][a-zA-Z0-9]*)\}")]
    private static partial Regex PlaceholderPattern();

    /// <summary>Formats an instant for a message: Tunisian local time, language-neutral digits.</summary>
    public static string FormatTime(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Tunis).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static string FormatDate(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Tunis).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static readonly TimeZoneInfo Tunis = TimeZoneInfo.FindSystemTimeZoneById("Africa/Tunis");

    internal static string Describe(IReadOnlyList<string> problems)
    {
        var text = new StringBuilder("The notification template catalogue is incomplete:");
        foreach (var p in problems)
        {
            text.Append("\n - ").Append(p);
        }
        return text.ToString();
    }
}
