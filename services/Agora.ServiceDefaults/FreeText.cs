using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Agora.ServiceDefaults;

/// <summary>Checks on free text before it is stored (names, reasons, contributions, codes: every service).</summary>
public static class FreeText
{
    /// <summary>The field error for text refused by <see cref="HasControlCharacters"/>.</summary>
    public const string ControlCharactersError = "must not contain control characters.";

    /// <summary>The same, where line breaks and tabs are allowed.</summary>
    public const string ControlCharactersInTextError = "must not contain control characters (line breaks and tabs are fine).";

    /// <summary>
    /// Whether <paramref name="text"/> shows nothing: null, empty, or only whitespace, invisible formatting characters
    /// (zero-width space U+200B, bidi marks and overrides such as U+202E, the BOM, tag characters beyond U+FFFF) and
    /// combining marks with no letter to sit on (U+0301, Arabic harakat). Read by code point, not UTF-16 unit.
    /// </summary>
    public static bool IsBlank([NotNullWhen(false)] string? text) =>
        text is null || text.EnumerateRunes().All(r => Rune.IsWhiteSpace(r)
            || Rune.GetUnicodeCategory(r) is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark);

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="maxLength"/> UTF-16 units, one fewer where the cut would split a
    /// surrogate pair (an emoji, a character beyond U+FFFF): half a pair cannot be encoded, and PostgreSQL would never get the row.
    /// </summary>
    public static string Truncate(string text, int maxLength) =>
        text.Length <= maxLength ? text : text[..(char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength)];

    /// <summary>
    /// Whether <paramref name="text"/> holds a control character (NUL, escape, bell, …), which
    /// PostgreSQL cannot store (NUL) or no reader expects; tab and line breaks pass when
    /// <paramref name="allowLineBreaks"/>.
    /// </summary>
    public static bool HasControlCharacters(string text, bool allowLineBreaks = false) =>
        text.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r'));
}
