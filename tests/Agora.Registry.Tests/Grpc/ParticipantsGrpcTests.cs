using System.Net;
using System.Net.Http.Json;
using Agora.Contracts.Registry.V1;
using Agora.Registry.Participants;
using Agora.ServiceDefaults;
using Agora.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using ParticipantsClient = Agora.Contracts.Registry.V1.Participants.ParticipantsClient;

namespace Agora.Registry.Tests.Grpc;

/// <summary>
/// <c>Participants.GetParticipant</c>, what the workshops service asks before a registration, and
/// <c>Participants.CountEligible</c>, the charter's electorate at a ballot's close. Its own
/// database: publishing a founding call version here changes the current version for every participant.
/// </summary>
public sealed class ParticipantsGrpcTests(RegistryFactory factory) : IClassFixture<RegistryFactory>, IDisposable
{
    private readonly HttpClient anonymous = factory.CreateClient();
    private readonly GrpcChannel channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new() { HttpHandler = factory.Server.CreateHandler() });

    private ParticipantsClient Client => new(channel);

    public void Dispose()
    {
        channel.Dispose();
        anonymous.Dispose();
    }

    private Task<ParticipantReply> GetAsync(Guid id) => Client.GetParticipantAsync(new GetParticipantRequest { ParticipantId = id.ToString() }).ResponseAsync;

    [Fact]
    public async Task The_reply_carries_the_adhered_and_the_current_founding_call_version_which_follows_a_new_publication()
    {
        var adhered = await Api.RegisterAsync(anonymous, "individual", language: "ar");
        await Arrange.ActivateAsync(factory, adhered); // adhered to version 1, the seeded one
        var never = await Api.RegisterAsync(anonymous, "movement");

        var before = await GetAsync(adhered);
        Assert.Equal((adhered.ToString(), "individual", "active", "ar"), (before.ParticipantId, before.Kind, before.Status, before.PreferredLanguage));
        Assert.Equal((1, 1), (before.FoundingCallVersion, before.CurrentFoundingCallVersion));
        var pending = await GetAsync(never);
        Assert.Equal(("movement", "pending", 0, 1), (pending.Kind, pending.Status, pending.FoundingCallVersion, pending.CurrentFoundingCallVersion));

        var published = await factory.ClientFor(Guid.NewGuid(), Roles.Steering)
            .PostAsJsonAsync("/api/registry/founding-call/versions", new { ar = "نص جديد", fr = "Nouveau texte", en = "New text" })
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, published.GetProperty("version").GetInt32());

        var outdated = await GetAsync(adhered);
        Assert.Equal(("active", 1, 2), (outdated.Status, outdated.FoundingCallVersion, outdated.CurrentFoundingCallVersion));

        await factory.ClientFor(adhered, Roles.Participant).PostAsJsonAsync("/api/registry/me/adherence", new { version = 2 }).JsonAsync(HttpStatusCode.OK);

        var again = await GetAsync(adhered);
        Assert.Equal(("active", 2, 2), (again.Status, again.FoundingCallVersion, again.CurrentFoundingCallVersion));
    }

    /// <summary>(eligible, current founding call version), as <c>CountEligible</c> answers.</summary>
    private async Task<(int, int)> CountAsync(int minVersion = 0)
    {
        var reply = await Client.CountEligibleAsync(new CountEligibleRequest { MinFoundingCallVersion = minVersion });
        return (reply.Eligible, reply.CurrentFoundingCallVersion);
    }

    private async Task<int> PublishFoundingCallAsync() =>
        (await factory.ClientFor(Guid.NewGuid(), Roles.Steering)
            .PostAsJsonAsync("/api/registry/founding-call/versions", new { ar = "نص جديد", fr = "Nouveau texte", en = "New text" })
            .JsonAsync(HttpStatusCode.Created)).GetProperty("version").GetInt32();

    /// <summary>Sets a participant's standing directly: its status and the founding call version it adhered to.</summary>
    private async Task StandingAsync(Guid id, ParticipantStatus status, int adhered)
    {
        await using var scope = factory.Scope(out var db);
        var p = await db.Participants.SingleAsync(p => p.Id == id);
        (p.Status, p.FoundingCallVersion, p.AdheredAt) = (status, adhered, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task CountEligible_counts_only_active_participants_adhered_to_the_current_founding_call_and_follows_a_new_publication()
    {
        // A fresh version first: every participant of this class's other tests is outdated by it, so the count starts at 0.
        var current = await PublishFoundingCallAsync();
        Assert.Equal((0, current), await CountAsync());
        var (pending, rejected, active, outdated) = (await Api.RegisterAsync(anonymous, "organization"), await Api.RegisterAsync(anonymous, "movement"),
            await Api.RegisterAsync(anonymous, "individual"), await Api.RegisterAsync(anonymous, "organization"));
        await StandingAsync(pending, ParticipantStatus.Pending, current);   // adhered, vetting not done
        await StandingAsync(rejected, ParticipantStatus.Rejected, current); // refused at vetting
        await StandingAsync(active, ParticipantStatus.Active, current);
        await StandingAsync(outdated, ParticipantStatus.Active, current - 1);

        Assert.Equal((1, current), await CountAsync());

        var next = await PublishFoundingCallAsync();
        Assert.Equal((0, next), await CountAsync()); // everyone must adhere again
        Assert.Equal((1, next), await CountAsync(minVersion: current)); // but a ballot opened under `current` still counts them

        foreach (var id in new[] { active, outdated })
        {
            await factory.ClientFor(id, Roles.Participant).PostAsJsonAsync("/api/registry/me/adherence", new { version = next }).JsonAsync(HttpStatusCode.OK);
        }
        Assert.Equal((2, next), await CountAsync());
    }

    [Fact]
    public async Task An_unknown_participant_is_not_found_and_a_malformed_id_is_invalid()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => GetAsync(Guid.NewGuid()));
        var malformed = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetParticipantAsync(new GetParticipantRequest { ParticipantId = "nope" }));

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }
}
