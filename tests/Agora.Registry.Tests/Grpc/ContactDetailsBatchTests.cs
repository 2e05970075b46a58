using Agora.Contracts.Registry.V1;
using Agora.Registry.Tests.Identity;
using Agora.ServiceDefaults;
using Agora.Testing;
using Grpc.Core;
using Grpc.Net.Client;

namespace Agora.Registry.Tests.Grpc;

/// <summary><c>Contacts.GetContactDetailsBatch</c>: many participants' contact details in one call, for the notifications client only.</summary>
public sealed class ContactDetailsBatchTests(IdentityFactory factory) : IClassFixture<IdentityFactory>, IDisposable
{
    private readonly HttpClient anonymous = factory.CreateClient();
    private readonly GrpcChannel channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new() { HttpHandler = factory.Server.CreateHandler() });

    public void Dispose()
    {
        channel.Dispose();
        anonymous.Dispose();
    }

    private Contacts.ContactsClient Contacts => new(channel);

    private async Task<Metadata> NotificationsAsync() =>
        new() { { "Authorization", $"Bearer {await factory.ClientCredentialsTokenAsync(ClientSeedingNames.Notifications, IdentityFactory.NotificationsSecret, "registry.contacts")}" } };

    private static GetContactDetailsBatchRequest Request(IEnumerable<Guid> ids)
    {
        var request = new GetContactDetailsBatchRequest();
        request.ParticipantIds.AddRange(ids.Select(id => id.ToString()));
        return request;
    }

    [Fact]
    public async Task Several_participants_come_back_decrypted_in_one_call_and_unknown_ids_are_listed()
    {
        var rimEmail = Api.NewEmail("rim");
        var rim = await Api.RegisterAsync(anonymous, new { kind = "individual", displayName = "Rim", preferredLanguage = "ar", email = rimEmail, phone = "+216 55 123 456" });
        var karimEmail = Api.NewEmail("karim");
        var karim = await Api.RegisterAsync(anonymous, new { kind = "individual", displayName = "Karim", preferredLanguage = "fr", email = karimEmail, phone = "+216 98 765 432" });
        var leaEmail = Api.NewEmail("lea");
        var lea = await Api.RegisterAsync(anonymous, new { kind = "individual", displayName = "Lea", preferredLanguage = "en", email = leaEmail });
        var unknown1 = Guid.NewGuid();
        var unknown2 = Guid.NewGuid();

        var reply = await Contacts.GetContactDetailsBatchAsync(Request([rim, unknown1, karim, lea, unknown2, rim]), await NotificationsAsync());

        var byId = reply.Contacts.ToDictionary(c => c.ParticipantId);
        Assert.Equal(3, reply.Contacts.Count);
        Assert.Equal((rimEmail, "+21655123456", "ar", false), (byId[rim.ToString()].Email, byId[rim.ToString()].Phone, byId[rim.ToString()].PreferredLanguage, byId[rim.ToString()].Erased));
        Assert.Equal((karimEmail, "+21698765432", "fr", false), (byId[karim.ToString()].Email, byId[karim.ToString()].Phone, byId[karim.ToString()].PreferredLanguage, byId[karim.ToString()].Erased));
        Assert.Equal((leaEmail, "", "en", false), (byId[lea.ToString()].Email, byId[lea.ToString()].Phone, byId[lea.ToString()].PreferredLanguage, byId[lea.ToString()].Erased));
        Assert.Equal(["en", "fr"], byId[rim.ToString()].FallbackLanguages.Order().ToArray());
        Assert.Equal(new[] { unknown1, unknown2 }.Select(id => id.ToString()).Order(), reply.UnknownParticipantIds.Order());
    }

    [Fact]
    public async Task Erased_participants_are_flagged_with_no_contact_data()
    {
        var keptEmail = Api.NewEmail("kept");
        var kept = await Api.RegisterAsync(anonymous, new { kind = "individual", displayName = "Sami", preferredLanguage = "fr", email = keptEmail, phone = "+216 22 333 444" });
        var gone = await Api.RegisterAsync(anonymous, new { kind = "individual", displayName = "Amal", preferredLanguage = "ar", email = Api.NewEmail("gone"), phone = "+216 55 999 888" });
        var erase = await factory.ClientFor(Guid.NewGuid(), Roles.Steering).DeleteAsync($"/api/registry/participants/{gone}");
        Assert.True(erase.IsSuccessStatusCode, $"{(int)erase.StatusCode}: {await erase.Content.ReadAsStringAsync()}");

        var reply = await Contacts.GetContactDetailsBatchAsync(Request([kept, gone]), await NotificationsAsync());

        var byId = reply.Contacts.ToDictionary(c => c.ParticipantId);
        Assert.Equal(2, byId.Count);
        Assert.Empty(reply.UnknownParticipantIds);
        Assert.Equal((true, "", ""), (byId[gone.ToString()].Erased, byId[gone.ToString()].Email, byId[gone.ToString()].Phone));
        Assert.Equal((false, keptEmail, "+21622333444"), (byId[kept.ToString()].Erased, byId[kept.ToString()].Email, byId[kept.ToString()].Phone));
    }

    [Fact]
    public async Task No_ids_more_than_1000_ids_or_a_non_uuid_are_invalid_arguments()
    {
        var notifications = await NotificationsAsync();
        var id = await Api.RegisterAsync(anonymous, "individual");

        var none = await Assert.ThrowsAsync<RpcException>(async () => await Contacts.GetContactDetailsBatchAsync(new(), notifications));
        var tooMany = await Assert.ThrowsAsync<RpcException>(async () =>
            await Contacts.GetContactDetailsBatchAsync(Request([id, .. Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid())]), notifications));
        var notUuid = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            var request = Request([id]);
            request.ParticipantIds.Add("not-a-uuid");
            await Contacts.GetContactDetailsBatchAsync(request, notifications);
        });
        var exactly1000 = await Contacts.GetContactDetailsBatchAsync(Request([id, .. Enumerable.Range(0, 999).Select(_ => Guid.NewGuid())]), notifications);

        Assert.Equal(StatusCode.InvalidArgument, none.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, notUuid.StatusCode);
        Assert.Equal(id.ToString(), Assert.Single(exactly1000.Contacts).ParticipantId);
        Assert.Equal(999, exactly1000.UnknownParticipantIds.Count);
    }

    [Fact]
    public async Task Anonymous_callers_participants_and_partners_are_refused()
    {
        var id = await Api.RegisterAsync(anonymous, new { kind = "individual", displayName = "Nour", preferredLanguage = "ar", email = Api.NewEmail(), phone = "+216 55 123 456" });
        var partner = await factory.ClientCredentialsTokenAsync(IdentityFactory.PartnerId, IdentityFactory.PartnerSecret);

        var noToken = await Assert.ThrowsAsync<RpcException>(async () => await Contacts.GetContactDetailsBatchAsync(Request([id])));
        var participant = await Assert.ThrowsAsync<RpcException>(async () => await Contacts.GetContactDetailsBatchAsync(Request([id]),
            new Metadata { { "Authorization", $"Bearer {TestTokens.For(id, Roles.Participant, Roles.Steering)}" } }));
        var partnerCall = await Assert.ThrowsAsync<RpcException>(async () => await Contacts.GetContactDetailsBatchAsync(Request([id]),
            new Metadata { { "Authorization", $"Bearer {partner}" } }));

        Assert.Equal(StatusCode.Unauthenticated, noToken.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, participant.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, partnerCall.StatusCode);
    }
}
