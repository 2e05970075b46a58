namespace Agora.ServiceDefaults;

/// <summary>Checks on free text before it is stored (names, reasons, contributions, codes: every service).</summary>
public static class FreeText
{
    /// <summary>
    /// Whether <paramref name="text"/> holds a control character (NUL, escape, bell, …), which
    /// PostgreSQL cannot store (NUL) or no reader expects; tab and line breaks pass when
    /// <paramref name="allowLineBreaks"/>.
    /// </summary>
    public static bool HasControlCharacters(string text, bool allowLineBreaks = false) =>
        text.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r'));
}
