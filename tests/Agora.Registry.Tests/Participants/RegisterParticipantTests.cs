using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agora.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests.Participants;

public sealed class RegisterParticipantTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    [Fact]
    public async Task A_valid_registration_is_stored_with_its_event_in_the_outbox()
    {
        var email = $"collectif-{Guid.NewGuid():N}@example.tn";
        var response = await client.PostAsJsonAsync("/api/registry/participants",
            new { kind = "movement", displayName = "حراك مانيش مسامح", preferredLanguage = "ar", email });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/registry/participants/{id}", response.Headers.Location?.ToString());

        await using var scope = factory.Scope(out var db);
        var stored = await db.Participants.SingleAsync(p => p.Id == id);
        Assert.Equal("حراك مانيش مسامح", stored.DisplayName);
        var outbox = (await db.Set<OutboxMessage>().ToListAsync()).Where(m => m.Payload.Contains(id.ToString(), StringComparison.Ordinal)).ToList();
        Assert.Single(outbox, m => m.MessageType.StartsWith("Agora.Contracts.Registry.ParticipantRegistered,", StringComparison.Ordinal));
        Assert.All(outbox, evt =>
        {
            Assert.DoesNotContain(email, evt.Payload, StringComparison.Ordinal);
            Assert.DoesNotContain("مانيش", evt.Payload, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Invalid_fields_are_all_listed_and_nothing_is_written()
    {
        var before = await CountAsync();
        var response = await client.PostAsJsonAsync("/api/registry/participants",
            new { kind = "party", displayName = " \u200B\t ", preferredLanguage = "de", email = "not-an-email" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/validation", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["displayName", "email", "kind", "preferredLanguage"], fields);
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData("{\"kind\": \"individual\", ")]
    [InlineData("{\"kind\": 42, \"displayName\": \"x\", \"preferredLanguage\": \"fr\", \"email\": \"a@b.tn\"}")]
    [InlineData("[1, 2, 3]")]
    public async Task Unreadable_bodies_get_400_problem_details(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/api/registry/participants", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/malformed-json", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_gets_400()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"kind\":\"individual\",\"displayName\":\"X\",\"preferredLanguage\":\"fr\",\"email\":\"a@b.tn\"}");
        bytes[35] = 0xC3; // a lead byte followed by an ASCII byte: not UTF-8
        bytes[36] = 0x28;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        var response = await client.PostAsync("/api/registry/participants", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_same_email_cannot_register_twice_in_any_case()
    {
        var email = $"Ahmed.{Guid.NewGuid():N}@Example.TN";
        var first = await client.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = "Ahmed", preferredLanguage = "fr", email });
        var before = await CountAsync();
        var second = await client.PostAsJsonAsync("/api/registry/participants", new { kind = "individual", displayName = "Ahmed B.", preferredLanguage = "fr", email = email.ToLowerInvariant() });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Unknown_routes_get_404_problem_details()
    {
        var response = await client.GetAsync("/api/registry/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(int Participants, int Outbox)> CountAsync()
    {
        await using var scope = factory.Scope(out var db);
        return (await db.Participants.CountAsync(), await db.Set<OutboxMessage>().CountAsync());
    }
}
