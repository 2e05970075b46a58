using System.Text;
using System.Text.Json;

namespace Agora.Charter.Analysis;

/// <summary>The <c>analyze &lt;dir&gt;</c> command: analyzes a Pol.is export and prints JSON.</summary>
public static class PolisCli
{
    /// <summary>
    /// Runs the command. Accepts <c>analyze &lt;dir&gt;</c> or just <c>&lt;dir&gt;</c>.
    /// Returns 0 on success, 1 for a malformed export, 2 for bad usage.
    /// </summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="output">Where the JSON goes.</param>
    /// <param name="error">Where errors go (standard error if null).</param>
    public static int Run(string[] args, TextWriter output, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        error ??= Console.Error;
        var rest = args.Length > 0 && args[0] == "analyze" ? args[1..] : args;
        if (rest.Length != 1)
        {
            error.WriteLine("usage: analyze <pol.is export directory>");
            return 2;
        }

        if (!Directory.Exists(rest[0]))
        {
            error.WriteLine($"analyze: directory not found: {rest[0]}");
            return 2;
        }

        try
        {
            var export = PolisExport.Load(rest[0]);
            var analysis = OpinionAnalyzer.Analyze(export.Votes);
            output.Write(ToJson(analysis));
            output.WriteLine();
            return 0;
        }
        catch (PolisFormatException e)
        {
            error.WriteLine($"analyze: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The CLI's JSON: <c>{"participants", "statements", "groups": [{"id", "members"}],
    /// "consensus": [{"statement", "agree", "disagree", "pass", "agreeCount", "disagreeCount", "passCount", "seen"}],
    /// "groupInformedConsensus": [{"statement", "value"}]}</c>; shares are of the votes seen (0 when unseen).
    /// </summary>
    /// <param name="analysis">The analysis.</param>
    public static string ToJson(OpinionAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("participants", analysis.Participants);
            json.WriteNumber("statements", analysis.Statements);
            json.WriteStartArray("groups");
            foreach (var g in analysis.Groups)
            {
                json.WriteStartObject();
                json.WriteNumber("id", g.Id);
                json.WriteStartArray("members");
                foreach (var m in g.Members)
                {
                    json.WriteStringValue(m);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("consensus");
            foreach (var s in analysis.StatementStats)
            {
                json.WriteStartObject();
                json.WriteString("statement", s.Statement);
                json.WriteNumber("agree", s.Overall.AgreeShare);
                json.WriteNumber("disagree", s.Overall.DisagreeShare);
                json.WriteNumber("pass", s.Overall.PassShare);
                json.WriteNumber("agreeCount", s.Overall.Agree);
                json.WriteNumber("disagreeCount", s.Overall.Disagree);
                json.WriteNumber("passCount", s.Overall.Pass);
                json.WriteNumber("seen", s.Overall.Seen);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("groupInformedConsensus");
            foreach (var s in analysis.StatementStats)
            {
                json.WriteStartObject();
                json.WriteString("statement", s.Statement);
                json.WriteNumber("value", s.GroupInformedConsensus);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
