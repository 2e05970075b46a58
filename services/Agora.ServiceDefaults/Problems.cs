using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Agora.ServiceDefaults;

/// <summary>Problem results with a stable <c>type</c> per error, for handlers to return.</summary>
public static class Problems
{
    /// <summary>400 listing every invalid field at once.</summary>
    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request has invalid fields.", type: ProblemDetailsSetup.TypeBase + "validation");

    public static ProblemHttpResult Of(int status, string slug, string title, string? detail = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: ProblemDetailsSetup.TypeBase + slug);

    public static ProblemHttpResult NotFound(string what) =>
        Of(StatusCodes.Status404NotFound, "not-found", $"The {what} was not found.");

    public static ProblemHttpResult Conflict(string slug, string title, string? detail = null) =>
        Of(StatusCodes.Status409Conflict, slug, title, detail);
}

/// <summary>Collects field errors in the shape <see cref="Problems.Validation"/> expects.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public ValidationProblem ToProblem() => Problems.Validation(ToDictionary());
}
