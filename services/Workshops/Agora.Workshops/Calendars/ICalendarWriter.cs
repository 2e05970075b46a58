using System.Globalization;
using System.Text;
using Agora.Workshops.Common;

namespace Agora.Workshops.Calendars;

public sealed record CalendarEvent(Guid Uid, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Summary, string? Description,
    string? Location, string? Url, bool Tentative, bool Cancelled);

/// <summary>
/// Writes RFC 5545 by hand: CRLF lines folded at 75 octets (never inside a UTF-8 sequence), escaped
/// text, a VTIMEZONE for Africa/Tunis taken from the system's time-zone data, and local
/// DTSTART/DTEND with TZID. A time that falls in daylight-saving time (Tunisia has none since
/// 2009) is written in UTC instead, which is always right.
/// </summary>
public static class ICalendarWriter
{
    public static string Write(string name, IReadOnlyList<CalendarEvent> events, DateTimeOffset now)
    {
        var b = new StringBuilder();
        Line(b, "BEGIN:VCALENDAR");
        Line(b, "VERSION:2.0");
        Line(b, "PRODID:-//Agora//Workshops//EN");
        Line(b, "CALSCALE:GREGORIAN");
        Line(b, "METHOD:PUBLISH");
        Line(b, "X-WR-CALNAME:" + Escape(name));
        Line(b, "X-WR-TIMEZONE:" + TunisTime.ZoneId);
        var offset = TunisTime.Zone.BaseUtcOffset;
        Line(b, "BEGIN:VTIMEZONE");
        Line(b, "TZID:" + TunisTime.ZoneId);
        Line(b, "BEGIN:STANDARD");
        Line(b, "DTSTART:19700101T000000");
        Line(b, "TZOFFSETFROM:" + Offset(offset));
        Line(b, "TZOFFSETTO:" + Offset(offset));
        Line(b, "TZNAME:CET");
        Line(b, "END:STANDARD");
        Line(b, "END:VTIMEZONE");
        foreach (var e in events)
        {
            Line(b, "BEGIN:VEVENT");
            Line(b, $"UID:{e.Uid:D}@agora");
            Line(b, "DTSTAMP:" + Utc(now));
            Line(b, "DTSTART" + Time(e.StartsAt, offset));
            Line(b, "DTEND" + Time(e.EndsAt, offset));
            Line(b, "SUMMARY:" + Escape(e.Summary));
            if (!string.IsNullOrEmpty(e.Description))
            {
                Line(b, "DESCRIPTION:" + Escape(e.Description));
            }
            if (!string.IsNullOrEmpty(e.Location))
            {
                Line(b, "LOCATION:" + Escape(e.Location));
            }
            if (!string.IsNullOrEmpty(e.Url))
            {
                Line(b, "URL:" + e.Url);
            }
            Line(b, "STATUS:" + (e.Cancelled ? "CANCELLED" : e.Tentative ? "TENTATIVE" : "CONFIRMED"));
            Line(b, "END:VEVENT");
        }
        Line(b, "END:VCALENDAR");
        return b.ToString();
    }

    private static string Time(DateTimeOffset utc, TimeSpan standardOffset)
    {
        var local = TunisTime.ToLocal(utc);
        if (TunisTime.Zone.IsDaylightSavingTime(local) || TunisTime.Zone.GetUtcOffset(utc) != standardOffset)
        {
            return ":" + Utc(utc);
        }
        return $";TZID={TunisTime.ZoneId}:" + local.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
    }

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string Offset(TimeSpan o) => (o < TimeSpan.Zero ? "-" : "+") + o.Duration().ToString("hhmm", CultureInfo.InvariantCulture);

    public static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .Replace("\r\n", "\\n", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("\r", "\\n", StringComparison.Ordinal);

    /// <summary>
    /// Appends a content line, folded so that no physical line exceeds 75 octets: between user-perceived characters where
    /// one fits on a line, else (a letter with dozens of combining marks) between its code points.
    /// </summary>
    private static void Line(StringBuilder b, string line)
    {
        const int limit = 75;
        var octets = 0;
        void Append(string piece, int size)
        {
            if (octets + size > limit)
            {
                b.Append("\r\n ");
                octets = 1;
            }
            b.Append(piece);
            octets += size;
        }
        var e = StringInfo.GetTextElementEnumerator(line);
        while (e.MoveNext())
        {
            var element = (string)e.Current;
            var size = Encoding.UTF8.GetByteCount(element);
            if (size < limit)
            {
                Append(element, size);
                continue;
            }
            foreach (var rune in element.EnumerateRunes())
            {
                Append(rune.ToString(), rune.Utf8SequenceLength);
            }
        }
        b.Append("\r\n");
    }
}
