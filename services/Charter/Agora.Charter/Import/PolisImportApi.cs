using Agora.Charter.Analysis;
using Agora.Charter.Data;
using Agora.Charter.Statements;
using Agora.Charter.Votes;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Charter.Import;

/// <summary>Imports a Pol.is export (multipart: votes.csv, comments.csv, participants-votes.csv) into a new conversation.</summary>
public static class PolisImportApi
{
    public static IEndpointRouteBuilder MapPolisImportApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/charter/conversations/import/polis", Import).RequireAuthorization(Policies.Steering).DisableAntiforgery();
        return endpoints;
    }

    public sealed record Imported(Guid ConversationId, int Statements, int Participants, int Votes);

    private static readonly string[] Files = ["votes.csv", "comments.csv", "participants-votes.csv"];

    internal static async Task<Results<Created<Imported>, ValidationProblem, ProblemHttpResult>> Import(HttpRequest request,
        CharterDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send the export as multipart/form-data.");
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException || (e is IOException && e is not BadHttpRequestException))
        {
            // A multipart body that cannot be read: no boundary in the content type (InvalidDataException), a body that
            // ends before its closing boundary (IOException). A body over the size limit stays a 413 (BadHttpRequestException).
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-multipart", "The multipart/form-data body cannot be read.", e.Message);
        }
        var errors = new FieldErrors();
        foreach (var name in Files.Take(2))
        {
            if (form.Files.GetFile(name) is null)
            {
                errors.Add(name, $"The file {name} is required.");
            }
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var title = form["title"].ToString().Trim();
        if (title.Length == 0)
        {
            title = "Pol.is import";
        }
        if (title.Length > 200)
        {
            return new FieldErrors().Add("title", "At most 200 characters.").ToProblem();
        }
        if (FreeText.HasControlCharacters(title))
        {
            return new FieldErrors().Add("title", FreeText.ControlCharactersError).ToProblem();
        }

        var dir = Directory.CreateTempSubdirectory("polis-import-");
        try
        {
            foreach (var name in Files)
            {
                if (form.Files.GetFile(name) is { } file)
                {
                    await using var target = File.Create(Path.Combine(dir.FullName, name));
                    await file.CopyToAsync(target, ct);
                }
            }
            PolisExport export;
            Dictionary<string, string> bodies;
            try
            {
                export = PolisExport.Load(dir.FullName);
                bodies = CommentBodies(Path.Combine(dir.FullName, "comments.csv"));
                CheckParticipants(Path.Combine(dir.FullName, "participants-votes.csv"), export.Votes.ParticipantKeys);
            }
            catch (PolisFormatException e)
            {
                return TypedResults.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest,
                    Type = ProblemDetailsSetup.TypeBase + "polis-format",
                    Title = "The Pol.is export is malformed.",
                    Detail = e.Message,
                    Extensions = { ["file"] = e.File, ["line"] = e.Line, ["column"] = e.Column },
                });
            }

            var now = time.GetUtcNow();
            var conversation = new Conversation { Id = Guid.CreateVersion7(now), Title = title, Source = "polis", CreatedAt = now, Revision = 1 };
            db.Conversations.Add(conversation);
            var ids = new Guid[export.Votes.StatementCount];
            for (var c = 0; c < export.Votes.StatementCount; c++)
            {
                var key = export.Votes.StatementKeys[c];
                var body = bodies.GetValueOrDefault(key, "");
                var s = Statement.Create(conversation.Id, "polis", "en", FreeText.Truncate(body, Statement.MaxLength), null, now.AddTicks(c));
                s.ExternalKey = key;
                s.Status = export.Votes.Moderation[c] switch
                {
                    ModerationStatus.Accepted => StatementStatus.Accepted,
                    ModerationStatus.ModeratedOut => StatementStatus.Rejected,
                    _ => StatementStatus.Pending,
                };
                if (s.Status == StatementStatus.Rejected)
                {
                    s.RejectionReason = "moderated out in Pol.is";
                }
                ids[c] = s.Id;
                db.Statements.Add(s);
            }
            var voters = new Guid[export.Votes.ParticipantCount];
            for (var r = 0; r < voters.Length; r++)
            {
                voters[r] = Guid.CreateVersion7(now); // imported voters are not agora participants
            }
            // One row per final vote, participants in Pol.is's arrival order (rows), so the replay rebuilds the same matrix.
            for (var r = 0; r < voters.Length; r++)
            {
                var columns = export.Votes.StatementsOf(r);
                var values = export.Votes.VotesOf(r);
                for (var k = 0; k < columns.Length; k++)
                {
                    db.Votes.Add(new Vote { ConversationId = conversation.Id, StatementId = ids[columns[k]], ParticipantId = voters[r], Value = values[k], CastAt = now });
                }
            }
            await db.SaveChangesAsync(ct); // one transaction: everything or nothing
            return TypedResults.Created($"/api/charter/conversations/{conversation.Id}/statements",
                new Imported(conversation.Id, ids.Length, voters.Length, export.Votes.VoteCount));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    /// <summary>Every participant of participants-votes.csv must have voted in votes.csv (unknown ids are an error, with their line).</summary>
    private static void CheckParticipants(string path, IReadOnlyList<string> voters)
    {
        if (!File.Exists(path))
        {
            return;
        }
        var known = voters.ToHashSet(StringComparer.Ordinal);
        using var csv = CsvFile.Open(path);
        var participant = csv.Require("participant");
        while (csv.Read())
        {
            var id = csv.Id(participant);
            if (!known.Contains(id))
            {
                throw csv.Error(participant, $"participant '{id}' has no vote in votes.csv");
            }
        }
    }

    /// <summary>
    /// The comments' texts by comment-id. A comment with no text (empty, blank or only invisible characters) is an error with
    /// its line, unless Pol.is moderated it out (moderated -1; real exports hold such comments): it is imported rejected.
    /// </summary>
    private static Dictionary<string, string> CommentBodies(string path)
    {
        using var csv = CsvFile.Open(path);
        var id = csv.Require("comment-id");
        var body = csv.Require("comment-body");
        var moderated = csv.Require("moderated");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var key = csv.Id(id);
            if (key.Length > Statement.ExternalKeyMaxLength)
            {
                throw csv.Error(id, $"comment-id is longer than {Statement.ExternalKeyMaxLength} characters");
            }
            var text = csv.Field(body);
            if (FreeText.IsBlank(text) && csv.Field(moderated).Trim() != "-1")
            {
                throw csv.Error(body, $"comment '{key}' has no text");
            }
            result[key] = text;
        }
        return result;
    }
}
