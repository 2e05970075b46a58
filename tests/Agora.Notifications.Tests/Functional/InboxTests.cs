using System.Net;
using System.Net.Http.Json;
using Agora.Contracts.Registry;
using Agora.Notifications.Inbox;
using Agora.ServiceDefaults;
using Agora.Testing;

namespace Agora.Notifications.Tests.Functional;

public sealed class InboxTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    [Fact]
    public async Task A_participant_marks_a_message_read_and_filters_unread_and_no_one_else_reads_their_inbox()
    {
        var id = await factory.ParticipantAsync("fr");
        await factory.PublishAsync(new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow));
        await factory.PublishAsync(new ParticipantVettingDecided(id, "organization", "approved", null, DateTimeOffset.UtcNow));
        var me = factory.ClientFor(id, Roles.Participant);
        var inbox = await Eventually.GetAsync(() => me.GetFromJsonAsync<List<InboxApi.InboxItem>>("/api/notifications/me/inbox")!, i => i!.Count == 2, because: "two messages");

        var read = await me.PostAsync($"/api/notifications/participants/{id}/inbox/{inbox![0].Id}/read", null);
        var again = await me.PostAsync($"/api/notifications/me/inbox/{inbox[0].Id}/read", null);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var unread = await me.GetFromJsonAsync<List<InboxApi.InboxItem>>($"/api/notifications/participants/{id}/inbox?unread=true");
        Assert.Equal(inbox[1].Id, Assert.Single(unread!).Id);
        var all = await me.GetFromJsonAsync<List<InboxApi.InboxItem>>($"/api/notifications/participants/{id}/inbox");
        Assert.NotNull(all!.Single(i => i.Id == inbox[0].Id).ReadAt);

        var other = factory.ClientFor(Guid.NewGuid(), Roles.Participant);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/notifications/participants/{id}/inbox")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/notifications/participants/{id}/inbox/{inbox[1].Id}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/notifications/me/inbox/{inbox[1].Id}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync($"/api/notifications/participants/{id}/inbox")).StatusCode);
        var steering = factory.ClientFor(Guid.NewGuid(), Roles.Steering);
        Assert.Equal(2, (await steering.GetFromJsonAsync<List<InboxApi.InboxItem>>($"/api/notifications/participants/{id}/inbox"))!.Count);
    }

    [Fact]
    public async Task The_live_stream_shows_a_new_message_as_it_arrives()
    {
        var id = await factory.ParticipantAsync("en");
        var me = factory.ClientFor(id, Roles.Participant);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/notifications/me/stream");
        using var response = await me.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        Assert.Equal(": connected", await reader.ReadLineAsync());

        await factory.PublishAsync(new ParticipantVettingDecided(id, "individual", "confirmed", null, DateTimeOffset.UtcNow));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var lines = new List<string>();
        while (!lines.Any(l => l.StartsWith("data: ", StringComparison.Ordinal)))
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            lines.Add(line);
        }
        Assert.Contains("event: notification", lines);
        Assert.Contains(lines, l => l.StartsWith("id: ", StringComparison.Ordinal));
        var data = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal));
        Assert.Contains("\"title\":\"Your registration is confirmed\"", data, StringComparison.Ordinal);
        Assert.Contains("\"direction\":\"ltr\"", data, StringComparison.Ordinal);
    }
}
