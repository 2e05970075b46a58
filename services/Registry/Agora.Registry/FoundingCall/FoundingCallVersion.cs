namespace Agora.Registry.FoundingCall;

/// <summary>One version of the founding call's text (النداء الأول), in Arabic, French and English.</summary>
public sealed class FoundingCallVersion
{
    public int Version { get; init; }
    public required string TextAr { get; init; }
    public required string TextFr { get; init; }
    public required string TextEn { get; init; }
    public DateTimeOffset PublishedAt { get; init; }
    public Guid? PublishedBy { get; init; }

    public static readonly FoundingCallVersion First = new()
    {
        Version = 1,
        TextAr = "نحن، منظمات وحركات ومواطنات ومواطنون، نلتقي في فضاء مفتوح للحوار من أجل ميثاق مشترك للحقوق والحريات والعدالة الاجتماعية.",
        TextFr = "Nous, organisations, mouvements, citoyennes et citoyens, nous réunissons dans un espace ouvert de dialogue pour une charte commune des droits, des libertés et de la justice sociale.",
        TextEn = "We, organizations, movements and citizens, meet in an open space of dialogue towards a common charter of rights, freedoms and social justice.",
        PublishedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
    };
}
