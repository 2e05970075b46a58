using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Agora.ServiceDefaults;

/// <summary>
/// RFC 9457 problem details on every error path: validation, unreadable bodies, unknown routes,
/// unhandled exceptions (no stack trace ever reaches a client).
/// </summary>
public static class ProblemDetailsSetup
{
    /// <summary>The base of every problem <c>type</c> URI; append a stable slug per error.</summary>
    public const string TypeBase = "https://agora.example/problems/";

    public static IServiceCollection AddAgoraProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var problem = ctx.ProblemDetails;
            problem.Instance ??= ctx.HttpContext.Request.Path;
            problem.Extensions.TryAdd("traceId", Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier);
            if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                problem.Type = problem.Status switch
                {
                    StatusCodes.Status400BadRequest => TypeBase + "bad-request",
                    StatusCodes.Status401Unauthorized => TypeBase + "unauthorized",
                    StatusCodes.Status403Forbidden => TypeBase + "forbidden",
                    StatusCodes.Status404NotFound => TypeBase + "not-found",
                    StatusCodes.Status405MethodNotAllowed => TypeBase + "method-not-allowed",
                    StatusCodes.Status409Conflict => TypeBase + "conflict",
                    StatusCodes.Status413PayloadTooLarge => TypeBase + "payload-too-large",
                    StatusCodes.Status415UnsupportedMediaType => TypeBase + "unsupported-media-type",
                    StatusCodes.Status429TooManyRequests => TypeBase + "too-many-requests",
                    _ => TypeBase + "server-error",
                };
            }
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new UtcDateTimeOffsetConverter());
        });
        return services;
    }

    /// <summary>
    /// Turns unreadable requests (malformed JSON, wrong types, invalid UTF-8, oversized bodies)
    /// into 4xx problem details naming the offending field, text PostgreSQL cannot store (the NUL
    /// character, valid in JSON and in a URL) into a 400, a row changed by another request between
    /// read and write (a row-version conflict: a double submit) into a 409, and everything else
    /// into a bare 500.
    /// </summary>
    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> logger)
        : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            // In both cases the statement failed as a whole (its transaction rolled back): nothing of this request was written.
            if (Unstorable(exception))
            {
                return await WriteAsync(context, StatusCodes.Status400BadRequest, "unstorable-character",
                    "The request contains a character that cannot be stored.", "Text may not contain the NUL character (U+0000).");
            }
            if (exception.Find<DbUpdateConcurrencyException>() is not null)
            {
                return await WriteAsync(context, StatusCodes.Status409Conflict, "concurrent-update",
                    "The record was changed by another request at the same time.", "Nothing was changed by this request; read the record again and retry.");
            }
            if (exception is not BadHttpRequestException bad)
            {
                // The endpoint is cleared before exception handlers run; the feature keeps the one that failed.
                var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
                logger.LogError("Unhandled {ExceptionType} on {Method} {Route}", exception.GetType().Name,
                    context.Request.Method, (endpoint as RouteEndpoint)?.RoutePattern.RawText);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return await problems.TryWriteAsync(new()
                {
                    HttpContext = context,
                    Exception = exception,
                    ProblemDetails = { Status = 500, Title = "An unexpected error occurred.", Type = TypeBase + "server-error" },
                });
            }

            var status = bad.StatusCode;
            var json = bad.Find<JsonException>();
            var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = status,
                Title = status == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request could not be read.",
                Type = TypeBase + (status == StatusCodes.Status413PayloadTooLarge ? "payload-too-large"
                    : json is not null ? "malformed-json" : "bad-request"),
                Detail = json is null ? SafeDetail(bad) : "The JSON body is malformed or has a value of the wrong type.",
            };
            if (json is not null)
            {
                var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "$" : json.Path.TrimStart('$', '.');
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = ["The value is missing, malformed or of the wrong type."] };
            }
            context.Response.StatusCode = status;
            return await problems.TryWriteAsync(new() { HttpContext = context, ProblemDetails = problem });
        }

        private async ValueTask<bool> WriteAsync(HttpContext context, int status, string slug, string title, string detail)
        {
            context.Response.StatusCode = status;
            return await problems.TryWriteAsync(new()
            {
                HttpContext = context,
                ProblemDetails = { Status = status, Title = title, Type = TypeBase + slug, Detail = detail },
            });
        }

        /// <summary>PostgreSQL refused a text value: a NUL character (22021), or one its encoding lacks (22P05).</summary>
        private static bool Unstorable(Exception e) =>
            e.Find<PostgresException>() is { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter };

        // Framework messages for bad requests name parameters, never values: safe to show.
        private static string SafeDetail(BadHttpRequestException e) =>
            e.Message.Length <= 300 ? e.Message : e.Message[..300];
    }
}

/// <summary>
/// Times are <see cref="DateTimeOffset"/> in UTC everywhere (ARCHITECTURE.md): a time sent with another offset
/// ("2026-12-01T10:00:00+01:00", Tunisia's) is read as the same instant in UTC, so what is stored, answered and
/// published carries offset 0. A malformed time stays a 400 (the reader's error becomes a <see cref="JsonException"/>).
/// </summary>
public sealed class UtcDateTimeOffsetConverter : System.Text.Json.Serialization.JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
