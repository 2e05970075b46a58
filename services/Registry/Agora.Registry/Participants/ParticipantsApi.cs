using Agora.Contracts.Registry;
using Agora.Messaging;
using Agora.Registry.Data;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agora.Registry.Participants;

public static class ParticipantsApi
{
    public static IEndpointRouteBuilder MapParticipantsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/registry/participants");
        group.MapPost("/", Register);
        group.MapGet("/{id:guid}", Get);
        return endpoints;
    }

    public sealed record Registered(Guid Id, string Status);

    public sealed record ParticipantView(Guid Id, string Kind, string DisplayName, string PreferredLanguage, string Status, DateTimeOffset RegisteredAt);

    internal static async Task<Results<Created<Registered>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterParticipant request, RegistryDbContext db, TimeProvider time, CancellationToken ct)
    {
        var participant = Participant.TryRegister(request, time.GetUtcNow(), out var errors);
        if (participant is null)
        {
            return errors.ToProblem();
        }

        db.Participants.Add(participant);
        db.AddEvent(new ParticipantRegistered(participant.Id, Participant.KindName(participant.Kind), participant.PreferredLanguage, participant.RegisteredAt),
            participant.RegisteredAt);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("duplicate-email", "A participant with this email is already registered.");
        }
        return TypedResults.Created($"/api/registry/participants/{participant.Id}", new Registered(participant.Id, participant.Status.ToString().ToLowerInvariant()));
    }

    internal static async Task<Results<Ok<ParticipantView>, ProblemHttpResult>> Get(Guid id, RegistryDbContext db, CancellationToken ct)
    {
        var p = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return p is null
            ? Problems.NotFound("participant")
            : TypedResults.Ok(new ParticipantView(p.Id, Participant.KindName(p.Kind), p.DisplayName, p.PreferredLanguage, p.Status.ToString().ToLowerInvariant(), p.RegisteredAt));
    }
}
