namespace Agora.Notifications.Templates;

/// <summary>A message rendered in one language.</summary>
public sealed record RenderedMessage(string Language, string Title, string Body);

/// <summary>Notification texts, each in Arabic, French and English.</summary>
public static class MessageTemplates
{
    public static readonly IReadOnlyDictionary<string, (string Title, string Body)> Welcome = new Dictionary<string, (string, string)>
    {
        ["ar"] = ("مرحبًا بكم في الأغورا", "شكرًا لتسجيلكم في المؤتمر الوطني للحركات الاجتماعية والمواطنين. سيُراجَع تسجيلكم قريبًا."),
        ["fr"] = ("Bienvenue à l'Agora", "Merci de votre inscription à la conférence nationale des mouvements sociaux et des citoyens. Votre inscription sera examinée prochainement."),
        ["en"] = ("Welcome to the Agora", "Thank you for registering for the national conference of social movements and citizens. Your registration will be reviewed soon."),
    };

    /// <summary>Arabic first: the fallback order when a language is missing.</summary>
    private static readonly string[] Fallback = ["ar", "fr", "en"];

    public static RenderedMessage Render(IReadOnlyDictionary<string, (string Title, string Body)> template, string language)
    {
        foreach (var candidate in Fallback.Prepend(language))
        {
            if (template.TryGetValue(candidate, out var text))
            {
                return new RenderedMessage(candidate, text.Title, text.Body);
            }
        }
        throw new InvalidOperationException("A template has no text in any language.");
    }

    public static string Direction(string language) => language == "ar" ? "rtl" : "ltr";
}
