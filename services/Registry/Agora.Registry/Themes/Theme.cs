namespace Agora.Registry.Themes;

/// <summary>A theme of the managed list participants choose from, with its labels in ar/fr/en.</summary>
public sealed class Theme
{
    public required string Slug { get; init; }
    public required string LabelAr { get; set; }
    public required string LabelFr { get; set; }
    public required string LabelEn { get; set; }

    public static readonly Theme[] Seed =
    [
        new() { Slug = "economic-social-rights", LabelAr = "الحقوق الاقتصادية والاجتماعية", LabelFr = "Droits économiques et sociaux", LabelEn = "Economic and social rights" },
        new() { Slug = "individual-freedoms", LabelAr = "الحريات الفردية", LabelFr = "Libertés individuelles", LabelEn = "Individual freedoms" },
        new() { Slug = "environment", LabelAr = "البيئة", LabelFr = "Environnement", LabelEn = "Environment" },
        new() { Slug = "gender-equality", LabelAr = "المساواة بين الجنسين", LabelFr = "Égalité femmes-hommes", LabelEn = "Gender equality" },
        new() { Slug = "labour", LabelAr = "الشغل", LabelFr = "Travail", LabelEn = "Labour" },
        new() { Slug = "transitional-justice", LabelAr = "العدالة الانتقالية", LabelFr = "Justice transitionnelle", LabelEn = "Transitional justice" },
        new() { Slug = "migration", LabelAr = "الهجرة", LabelFr = "Migration", LabelEn = "Migration" },
        new() { Slug = "education", LabelAr = "التعليم", LabelFr = "Éducation", LabelEn = "Education" },
        new() { Slug = "health", LabelAr = "الصحة", LabelFr = "Santé", LabelEn = "Health" },
        new() { Slug = "regional-development", LabelAr = "التنمية الجهوية", LabelFr = "Développement régional", LabelEn = "Regional development" },
    ];
}
