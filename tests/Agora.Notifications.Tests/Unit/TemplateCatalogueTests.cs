using Agora.Notifications.Templates;

namespace Agora.Notifications.Tests.Unit;

public sealed class TemplateCatalogueTests
{
    private static readonly Dictionary<string, string> NoParameters = [];

    [Fact]
    public void Every_template_has_arabic_french_and_english_with_the_same_placeholders()
    {
        Assert.Empty(Catalogue.Default.Validate());
        Assert.True(Catalogue.Default.All.Count() >= 18);
    }

    [Fact]
    public void A_template_missing_a_language_or_with_different_placeholders_is_reported()
    {
        var broken = new TemplateCatalogue(
        [
            new MessageTemplate("only-ar", Categories.Account, new Dictionary<string, (string, string)> { ["ar"] = ("عنوان", "نص") }),
            new MessageTemplate("mismatch", Categories.Account, new Dictionary<string, (string, string)>
            {
                ["ar"] = ("عنوان", "يبدأ في {startsAt}"),
                ["fr"] = ("Titre", "Commence le {startAt}"),
                ["en"] = ("Title", " "),
            }),
        ]);

        var problems = broken.Validate();

        Assert.Contains("only-ar: no text in 'fr'", problems);
        Assert.Contains("only-ar: no text in 'en'", problems);
        Assert.Contains("mismatch: no text in 'en'", problems);
        Assert.Contains(problems, p => p.StartsWith("mismatch: placeholders in 'fr' differ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_translation_falls_back_along_the_participants_languages_then_arabic()
    {
        var catalogue = new TemplateCatalogue(
        [
            new MessageTemplate("partial", Categories.Account, new Dictionary<string, (string, string)>
            {
                ["ar"] = ("عنوان", "النسخة {version}"),
                ["en"] = ("Title", "Version {version}"),
            }),
        ]);
        var parameters = new Dictionary<string, string> { ["version"] = "3" };

        var french = catalogue.Render("partial", parameters, Languages.Chain(["fr", "en"]));
        var frenchNoFallback = catalogue.Render("partial", parameters, Languages.Chain(["fr"]));

        Assert.Equal(("en", "Version 3"), (french.Language, french.Body));
        Assert.Equal(("ar", "النسخة 3"), (frenchNoFallback.Language, frenchNoFallback.Body));
        Assert.Equal("rtl", frenchNoFallback.Direction);
    }

    [Fact]
    public void The_real_catalogue_renders_every_key_in_each_language_with_no_empty_text()
    {
        var parameters = new Dictionary<string, string>
        {
            ["code"] = "482913", ["startsAt"] = "2026-12-01 10:00", ["version"] = "2", ["articleCount"] = "12", ["closesAt"] = "2026-12-03 18:00",
            ["theme"] = "العدالة الاجتماعية", ["deadline"] = "2026-12-10", ["count"] = "2", ["items"] = "• a\n• b",
            ["title.ar"] = "إعلان", ["body.ar"] = "نص الإعلان", ["title.fr"] = "Annonce", ["body.fr"] = "Texte", ["title.en"] = "Notice", ["body.en"] = "Text",
        };
        foreach (var template in Catalogue.Default.All)
        {
            foreach (var language in Languages.Supported)
            {
                var message = Catalogue.Default.Render(template.Key, parameters, [language]);
                Assert.Equal(language, message.Language);
                Assert.False(string.IsNullOrWhiteSpace(message.Title), template.Key);
                Assert.DoesNotContain("{", message.Body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Unknown_keys_and_missing_parameters_are_clear_errors()
    {
        var unknown = Assert.Throws<TemplateException>(() => Catalogue.Default.Render("no.such.key", NoParameters, ["ar"]));
        var missing = Assert.Throws<TemplateException>(() => Catalogue.Default.Render("session.reminder-1h", NoParameters, ["fr"]));

        Assert.Equal("unknown-template", unknown.Code);
        Assert.Contains("no.such.key", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("missing-parameter", missing.Code);
        Assert.Contains("startsAt", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_announcement_uses_the_first_language_it_was_written_in_along_the_chain()
    {
        var parameters = new Dictionary<string, string> { ["title.fr"] = "Annonce", ["body.fr"] = "Texte" };

        var message = Catalogue.Default.Render(TemplateCatalogue.Announcement, parameters, Languages.Chain(["ar"]));

        Assert.Equal(("fr", "Annonce", "Texte"), (message.Language, message.Title, message.Body));
    }
}
