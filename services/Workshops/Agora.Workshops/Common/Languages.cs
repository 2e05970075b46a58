namespace Agora.Workshops.Common;

public static class Languages
{
    public static readonly IReadOnlyList<string> All = ["ar", "fr", "en"];

    public static bool IsKnown(string? language) => language is "ar" or "fr" or "en";
}
