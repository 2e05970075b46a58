using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Agora.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests;

/// <summary>Small helpers shared by the registry's tests.</summary>
public static class Api
{
    public static string NewEmail(string prefix = "p") => $"{prefix}.{Guid.NewGuid():N}@example.tn";

    public static async Task<Guid> RegisterAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/registry/participants", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static Task<Guid> RegisterAsync(HttpClient client, string kind, string? email = null, string language = "fr", int? adheres = null,
        string? password = null, string name = "Collectif") =>
        RegisterAsync(client, new { kind, displayName = name, preferredLanguage = language, email = email ?? NewEmail(), adheresToFoundingCall = adheres, password });

    /// <summary>The payloads of the outbox events of one type that mention <paramref name="id"/>.</summary>
    public static async Task<List<JsonElement>> EventsAsync<T>(RegistryFactory factory, Guid id)
    {
        await using var scope = factory.Scope(out var db);
        var type = typeof(T).FullName + ",";
        var rows = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType.StartsWith(type)).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync();
        return rows.Where(m => m.Payload.Contains(id.ToString(), StringComparison.Ordinal))
            .Select(m => JsonSerializer.Deserialize<JsonElement>(m.Payload)).ToList();
    }

    /// <summary>The last one-time code issued to <paramref name="id"/> (read where notifications would receive it).</summary>
    public static async Task<string> LastCodeAsync(RegistryFactory factory, Guid id, string purpose)
    {
        var events = await EventsAsync<Agora.Contracts.Registry.OneTimeCodeIssued>(factory, id);
        return events.Last(e => e.GetProperty("purpose").GetString() == purpose).GetProperty("code").GetString()!;
    }

    /// <summary>The antiforgery token of a sign-in page (the client keeps the antiforgery cookie that goes with it).</summary>
    public static string AntiforgeryToken(string page)
    {
        var token = WebUtility.HtmlDecode(Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]*)\"").Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(token), "The sign-in page carries no antiforgery token.");
        return token;
    }

    /// <summary>
    /// A sign-in form as a browser posts it: <paramref name="fields"/> plus the antiforgery token read
    /// from the page just rendered for <paramref name="client"/> (which must keep cookies).
    /// </summary>
    public static async Task<FormUrlEncodedContent> SignInFormAsync(HttpClient client, Dictionary<string, string> fields)
    {
        var token = AntiforgeryToken(await client.GetStringAsync("/connect/login"));
        return new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token });
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    public static async Task<JsonElement> JsonAsync(this Task<HttpResponseMessage> response, HttpStatusCode expected) =>
        await (await response).JsonAsync(expected);

    public static string[] ErrorFields(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
}

/// <summary>Arranging participants directly in the database where a test is not about how they got there.</summary>
public static class Arrange
{
    public static async Task ActivateAsync(RegistryFactory factory, params Guid[] ids)
    {
        await using var scope = factory.Scope(out var db);
        foreach (var p in await db.Participants.Where(p => ids.Contains(p.Id)).ToListAsync())
        {
            p.Vetting = p.Kind == Agora.Registry.Participants.ParticipantKind.Individual
                ? Agora.Registry.Participants.VettingState.Confirmed
                : Agora.Registry.Participants.VettingState.Approved;
            p.FoundingCallVersion = 1;
            p.AdheredAt = DateTimeOffset.UtcNow;
            p.Status = Agora.Registry.Participants.ParticipantStatus.Active;
            p.UpdatedAt = DateTimeOffset.UtcNow;
        }
        await db.SaveChangesAsync();
    }
}
