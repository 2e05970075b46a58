using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops.Tests;

/// <summary>Builds workshops and sessions through the API, the way steering and facilitators do.</summary>
public sealed class Arrange(WorkshopsFactory factory)
{
    public Guid SteeringId { get; } = Guid.NewGuid();

    public Guid FacilitatorId { get; } = Guid.NewGuid();

    public Guid RapporteurId { get; } = Guid.NewGuid();

    public HttpClient Steering => factory.ClientFor(SteeringId, Roles.Steering);

    public HttpClient Facilitator => factory.ClientFor(FacilitatorId, Roles.Facilitator);

    public HttpClient Rapporteur => factory.ClientFor(RapporteurId, Roles.Rapporteur);

    public static HttpClient Participant(WorkshopsFactory factory, Guid id) => factory.ClientFor(id, Roles.Participant);

    /// <summary>A Tunis wall-clock time <paramref name="days"/> from today, e.g. "2027-03-15T09:00".</summary>
    public static string Local(int days, int hour, int minute = 0)
    {
        var tunis = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Africa/Tunis")).Date;
        return tunis.AddDays(days).AddHours(hour).AddMinutes(minute).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
    }

    public static object WorkshopBody(Guid[] facilitators, Guid[] rapporteurs, string theme = "social-justice") => new
    {
        theme,
        title = new { ar = "العدالة الاجتماعية", fr = "Justice sociale", en = "Social justice" },
        description = new { ar = "ورشة حول الحقوق الاقتصادية", fr = "Atelier sur les droits économiques", en = "A workshop on economic rights" },
        facilitatorIds = facilitators,
        rapporteurIds = rapporteurs,
    };

    public async Task<Guid> WorkshopAsync(string status = "open", string theme = "social-justice")
    {
        var response = await Steering.PostAsJsonAsync("/api/workshops/workshops", WorkshopBody([FacilitatorId], [RapporteurId], theme));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        foreach (var next in new[] { "open", "in_progress", "closed" })
        {
            if (status == "draft")
            {
                break;
            }
            var moved = await Steering.PostAsJsonAsync($"/api/workshops/workshops/{id}/status", new { status = next });
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            if (next == status)
            {
                break;
            }
        }
        return id;
    }

    public async Task<Guid> SessionAsync(Guid workshopId, int capacity, int days = 30, object[]? reservedSeats = null, string? room = null)
    {
        var response = await Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{workshopId}/sessions", new
        {
            start = Local(days, 9),
            end = Local(days, 12),
            mode = "in_person",
            venue = "Cité de la culture, Tunis",
            room = room ?? $"room-{Guid.NewGuid():N}",
            capacity,
            reservedSeats = reservedSeats ?? [],
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> RegisterAsync(Guid sessionId, Guid participantId)
    {
        var response = await Participant(factory, participantId).PostAsync($"/api/workshops/sessions/{sessionId}/registrations", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Moves the session so that its doors are open now: it starts in <paramref name="startsIn"/> (30 minutes by
    /// default, within the hour before the start when check-in opens) and lasts three hours.
    /// </summary>
    public async Task DoorsOpenAsync(Guid sessionId, TimeSpan? startsIn = null)
    {
        var startsAt = DateTimeOffset.UtcNow + (startsIn ?? TimeSpan.FromMinutes(30));
        await MoveAsync(sessionId, startsAt, startsAt.AddHours(3));
    }

    /// <summary>Sets a session's times directly in the database (the API only takes times ahead).</summary>
    public async Task MoveAsync(Guid sessionId, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        await using var scope = factory.Scope(out var db);
        await db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.StartsAt, startsAt).SetProperty(x => x.EndsAt, endsAt));
    }

    /// <summary>Outbox rows of a contract type whose payload mentions <paramref name="id"/>.</summary>
    public async Task<List<JsonElement>> EventsAsync(string type, Guid id)
    {
        await using var scope = factory.Scope(out var db);
        var rows = await db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.MessageType.StartsWith("Agora.Contracts.Workshops." + type + ","))
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync();
        return rows.Where(r => r.Payload.Contains(id.ToString(), StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Payload).RootElement.Clone()).ToList();
    }
}
