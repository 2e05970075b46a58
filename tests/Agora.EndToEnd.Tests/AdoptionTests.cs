using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agora.Contracts.Registry.V1;
using Agora.Testing;
using Grpc.Net.Client;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// The charter's adoption ballot on the real platform: the charter service asks the registry, over the gRPC address the
/// deployment gives it, who may cast a ballot and how large the electorate is.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AdoptionTests(PlatformFixture platform)
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task Only_a_vetted_participant_adhered_to_the_founding_call_casts_the_adoption_ballot_and_turnout_counts_the_registrys_electorate()
    {
        using var anonymous = new HttpClient { BaseAddress = platform.GatewayRest };
        var foundingCall = (await (await anonymous.GetAsync(new Uri("/api/registry/founding-call", UriKind.Relative))).Content
            .ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();

        // The first steering member is appointed by an operator's command, as in a real deployment.
        var steeringEmail = $"steering-{Guid.NewGuid():N}@example.tn";
        await RegisterAsync(anonymous, "individual", "Hela Steering", steeringEmail, foundingCall);
        await platform.RunCommandAsync("Registry", $"--grant-role steering {steeringEmail}");
        using var steering = await SignedInAsync(steeringEmail);

        // Eligible: an organization that adhered to the current founding call and was vetted by steering.
        var organizationEmail = $"org-{Guid.NewGuid():N}@example.tn";
        var organization = await RegisterAsync(anonymous, "organization", "Association des femmes de Gafsa", organizationEmail, foundingCall);
        Assert.Equal(HttpStatusCode.OK, (await steering.PostAsJsonAsync($"/api/registry/participants/{organization}/vetting",
            new { decision = "approve", reason = "Statutes checked." })).StatusCode);
        using var voter = await SignedInAsync(organizationEmail);

        // Not eligible: an individual who adhered but never verified their email (still pending).
        var pendingEmail = $"pending-{Guid.NewGuid():N}@example.tn";
        await RegisterAsync(anonymous, "individual", "Amine Pending", pendingEmail, foundingCall);
        using var pending = await SignedInAsync(pendingEmail);

        // A conversation with a common minimum (three statements every voter agrees with, one that divides them),
        // imported as a Pol.is export; the background analysis finds its common minimum, steering drafts from it.
        var conversation = await ImportAsync(steering);
        var drafted = await Eventually.GetAsync(
            () => steering.PostAsJsonAsync("/api/charter/charters", new { title = "Charte de l'agora", conversationId = conversation }),
            response => response.StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(60),
            "the background analysis finds the imported conversation's common minimum");
        var charter = (await drafted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("charterId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await steering.PostAsync(new Uri($"/api/charter/charters/{charter}/versions/1/finalize", UriKind.Relative), null)).StatusCode);

        var closesAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var opened = await steering.PostAsJsonAsync($"/api/charter/charters/{charter}/versions/1/ballots",
            new { closesAt, quorum = 1, majority = 0.5, byCollege = false });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var ballot = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var casts = $"/api/charter/ballots/{ballot}/casts";

        var refused = await pending.PostAsJsonAsync(casts, new { choice = "objection" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.EndsWith("/not-eligible", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await voter.PostAsJsonAsync(casts, new { choice = "consent" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await voter.PostAsJsonAsync(casts, new { choice = "consent" })).StatusCode);

        await Task.Delay(closesAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500));
        var closed = await steering.PostAsync(new Uri($"/api/charter/ballots/{ballot}/close", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var result = await closed.Content.ReadFromJsonAsync<JsonElement>();

        // The electorate is what the registry counts eligible for this founding call version, not every profile the
        // charter holds (the steering member and the pending individual are registered, not eligible).
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{platform.Ports["registry"].GrpcPort}");
        var eligible = (await new Participants.ParticipantsClient(channel)
            .CountEligibleAsync(new CountEligibleRequest { MinFoundingCallVersion = foundingCall })).Eligible;
        Assert.Equal("closed", result.GetProperty("status").GetString());
        Assert.True(result.GetProperty("result").GetProperty("adopted").GetBoolean(), result.ToString());
        Assert.Equal(1, result.GetProperty("result").GetProperty("cast").GetInt32());
        Assert.Equal(eligible, result.GetProperty("electorate").GetInt32());
        Assert.Equal(1.0 / eligible, result.GetProperty("turnout").GetDouble(), 6);

        var adopted = await (await steering.GetAsync(new Uri($"/api/charter/charters/{charter}", UriKind.Relative))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("adopted", adopted.GetProperty("status").GetString());
    }

    private static async Task<Guid> RegisterAsync(HttpClient http, string kind, string name, string email, int foundingCall)
    {
        var registered = await http.PostAsJsonAsync("/api/registry/participants", new
        {
            kind,
            displayName = name,
            preferredLanguage = "fr",
            email,
            password = Password,
            adheresToFoundingCall = foundingCall,
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<HttpClient> SignedInAsync(string email)
    {
        var http = new HttpClient { BaseAddress = platform.GatewayRest };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await SignIn.AccessTokenAsync(platform.GatewayRest, email, Password));
        return http;
    }

    private static async Task<Guid> ImportAsync(HttpClient steering)
    {
        var comments = new StringBuilder("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n");
        string[] texts = ["Access to drinking water is a right.", "Every region deserves a hospital.", "Public schools must stay free.", "Nationalize the phosphate industry."];
        for (var c = 0; c < texts.Length; c++)
        {
            comments.Append(CultureInfo.InvariantCulture, $"{1_700_000_000_000 + c},,{c},0,0,0,1,\"{texts[c]}\"\n");
        }
        var votes = new StringBuilder("timestamp,datetime,comment-id,voter-id,vote\n");
        var t = 1_700_000_100_000L;
        for (var voter = 0; voter < 12; voter++)
        {
            for (var c = 0; c < texts.Length; c++)
            {
                var vote = c < 3 ? 1 : (voter % 2 == 0 ? 1 : -1);
                votes.Append(CultureInfo.InvariantCulture, $"{t++},,{c},{voter},{vote}\n");
            }
        }
        using var form = new MultipartFormDataContent
        {
            { File(comments.ToString()), "comments.csv", "comments.csv" },
            { File(votes.ToString()), "votes.csv", "votes.csv" },
            { new StringContent("Agora e2e"), "title" },
        };
        var imported = await steering.PostAsync(new Uri("/api/charter/conversations/import/polis", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        return (await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversationId").GetGuid();

        static ByteArrayContent File(string text)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            return content;
        }
    }
}
