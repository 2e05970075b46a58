using System.Net;
using System.Net.Http.Json;
using System.Text;
using Agora.Contracts.Registry;
using Agora.Contracts.Registry.V1;
using Agora.ServiceDefaults;
using Agora.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agora.Registry.Tests.Privacy;

public sealed class PrivacyTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    private async Task<(Guid Id, string Email)> RegisterWithContactsAsync(string phone = "+216 98 765 432")
    {
        var email = Api.NewEmail("leila");
        var id = await Api.RegisterAsync(client, new
        {
            kind = "individual", names = new { fr = "Leila Ben Salah" }, preferredLanguage = "fr", email, phone, governorate = "kasserine",
            demographics = new { gender = "female", ageBand = "35-49", occupation = "lawyer" }, demographicsConsent = true,
        });
        return (id, email);
    }

    [Fact]
    public async Task A_raw_dump_of_every_table_shows_no_email_phone_or_demographic_answer_in_clear()
    {
        var (id, email) = await RegisterWithContactsAsync();
        await factory.ClientFor(id, Roles.Participant).PatchAsJsonAsync("/api/registry/me", new { phone = "+33 6 12 34 56 78" });

        var dump = await DumpAsync();

        Assert.Contains(id.ToString(), dump, StringComparison.Ordinal); // the dump does cover the participant's row
        foreach (var secret in new[] { email, email.Split('@')[0], "98765432", "98 765 432", "612345678" })
        {
            var at = dump.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
            Assert.True(at < 0, $"'{secret}' in clear: …{(at < 0 ? "" : dump.Substring(Math.Max(0, at - 200), 300))}…");
            Assert.DoesNotContain(Convert.ToHexString(Encoding.UTF8.GetBytes(secret)), dump, StringComparison.OrdinalIgnoreCase);
        }
        // Demographic answers travel (with consent) only as constituency attributes in events; the participant's row holds them encrypted.
        var row = dump.Split('\n').Single(l => l.StartsWith($"({id},", StringComparison.Ordinal));
        Assert.DoesNotContain("lawyer", row, StringComparison.Ordinal);
        Assert.DoesNotContain("35-49", row, StringComparison.Ordinal);
        Assert.DoesNotContain("female", row, StringComparison.Ordinal);
        var key = Convert.FromBase64String(await File.ReadAllTextAsync(factory.KeyFile));
        Assert.DoesNotContain(Convert.ToHexString(key), dump, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Export_returns_everything_held_about_the_caller_and_only_them()
    {
        var (id, email) = await RegisterWithContactsAsync();
        await RegisterWithContactsAsync();

        var export = await factory.ClientFor(id, Roles.Participant).GetAsync("/api/registry/me/export").JsonAsync(HttpStatusCode.OK);

        Assert.Equal(id, export.GetProperty("profile").GetProperty("id").GetGuid());
        Assert.Equal("Leila Ben Salah", export.GetProperty("profile").GetProperty("names").GetProperty("fr").GetString());
        Assert.Equal("kasserine", export.GetProperty("profile").GetProperty("governorate").GetString());
        Assert.Equal(email, export.GetProperty("email").GetString());
        Assert.Equal("+21698765432", export.GetProperty("phone").GetString());
        Assert.Equal("lawyer", export.GetProperty("demographics").GetProperty("occupation").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, export.GetProperty("demographicsConsentAt").ValueKind);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/registry/me/export")).StatusCode);
    }

    [Fact]
    public async Task Without_consent_no_demographic_answer_is_stored()
    {
        var id = await Api.RegisterAsync(client, new { kind = "individual", displayName = "Nour", preferredLanguage = "ar", email = Api.NewEmail() });

        await using var scope = factory.Scope(out var db);
        var p = await db.Participants.SingleAsync(p => p.Id == id);
        Assert.Null(p.DemographicsCipher);
        Assert.Null(p.DemographicsConsentAt);
        var changed = Assert.Single(await Api.EventsAsync<ParticipantProfileChanged>(factory, id));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, changed.GetProperty("constituency").GetProperty("gender").ValueKind);
    }

    [Fact]
    public async Task Erasure_removes_personal_data_publishes_the_event_and_frees_the_email()
    {
        var (id, email) = await RegisterWithContactsAsync();
        var me = factory.ClientFor(id, Roles.Participant);

        Assert.Equal(HttpStatusCode.NoContent, (await me.DeleteAsync("/api/registry/me")).StatusCode);

        await using (var scope = factory.Scope(out var db))
        {
            var p = await db.Participants.SingleAsync(p => p.Id == id);
            Assert.Equal(Agora.Registry.Participants.ParticipantStatus.Erased, p.Status);
            Assert.Null(p.EmailCipher);
            Assert.Null(p.EmailHash);
            Assert.Null(p.PhoneCipher);
            Assert.Null(p.DemographicsCipher);
            Assert.Null(p.NameFr);
            Assert.Null(p.Governorate);
        }
        Assert.DoesNotContain(id.ToString(), (await DumpAsync()).Split('\n').Where(l => l.Contains("Leila", StringComparison.Ordinal)));
        Assert.Single(await Api.EventsAsync<ParticipantErased>(factory, id));
        // The person's access token, still unexpired, is refused from now on.
        Assert.Equal(HttpStatusCode.Unauthorized, (await me.GetAsync("/api/registry/me/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await me.DeleteAsync("/api/registry/me")).StatusCode);
        await Api.RegisterAsync(client, "individual", email); // the same person may come back
    }

    [Fact]
    public async Task Steering_can_erase_a_participant_and_a_participant_cannot_erase_another()
    {
        var (id, _) = await RegisterWithContactsAsync();
        var other = await Api.RegisterAsync(client, "individual");

        Assert.Equal(HttpStatusCode.Forbidden, (await factory.ClientFor(other, Roles.Participant).DeleteAsync($"/api/registry/participants/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.ClientFor(Guid.NewGuid(), Roles.Steering).DeleteAsync($"/api/registry/participants/{id}")).StatusCode);
        Assert.Single(await Api.EventsAsync<ParticipantErased>(factory, id));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.ClientFor(Guid.NewGuid(), Roles.Steering).DeleteAsync($"/api/registry/participants/{id}")).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_erased_participants_token_is_refused_on_every_endpoint_and_anothers_still_works(bool bySteering)
    {
        var (id, _) = await RegisterWithContactsAsync();
        var other = await Api.RegisterAsync(client, "individual");
        var me = factory.ClientFor(id, Roles.Participant);
        await (await me.GetAsync($"/api/registry/participants/{id}")).JsonAsync(HttpStatusCode.OK);
        await (await me.GetAsync("/api/registry/mosaic")).JsonAsync(HttpStatusCode.OK);

        var erase = bySteering
            ? factory.ClientFor(Guid.NewGuid(), Roles.Steering).DeleteAsync($"/api/registry/participants/{id}")
            : me.DeleteAsync("/api/registry/me");
        Assert.Equal(HttpStatusCode.NoContent, (await erase).StatusCode);

        // Before, the same token still read its tombstone record and the mosaic for up to 15 minutes.
        var refused = await me.GetAsync($"/api/registry/participants/{id}");
        var problem = await refused.JsonAsync(HttpStatusCode.Unauthorized);
        Assert.EndsWith("/unauthorized", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        await (await me.GetAsync("/api/registry/mosaic")).JsonAsync(HttpStatusCode.Unauthorized);
        await (await me.PatchAsJsonAsync("/api/registry/me", new { governorate = "tunis" })).JsonAsync(HttpStatusCode.Unauthorized);
        await (await factory.ClientFor(other, Roles.Participant).GetAsync("/api/registry/mosaic")).JsonAsync(HttpStatusCode.OK);
        await using var scope = factory.Scope(out var db);
        Assert.Null((await db.Participants.SingleAsync(p => p.Id == id)).Governorate);
    }

    [Fact]
    public async Task Contact_details_over_grpc_refuse_anonymous_callers_and_participants()
    {
        var (id, _) = await RegisterWithContactsAsync();
        using var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new() { HttpHandler = factory.Server.CreateHandler() });
        var contacts = new Contacts.ContactsClient(channel);

        var anonymous = await Assert.ThrowsAsync<RpcException>(async () => await contacts.GetContactDetailsAsync(new() { ParticipantId = id.ToString() }));
        var participant = await Assert.ThrowsAsync<RpcException>(async () => await contacts.GetContactDetailsAsync(new() { ParticipantId = id.ToString() },
            new Metadata { { "Authorization", $"Bearer {TestTokens.For(id, Roles.Participant, Roles.Steering)}" } }));

        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, participant.StatusCode);
    }

    /// <summary>Every row of every table of the registry's database, as PostgreSQL prints it (bytea in hex).</summary>
    private async Task<string> DumpAsync()
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.Contains("participants", tables);
        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"select t::text from \"{table}\" t", connection);
            await using var rows = await select.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                dump.AppendLine(rows.GetString(0));
            }
        }
        return dump.ToString();
    }
}
