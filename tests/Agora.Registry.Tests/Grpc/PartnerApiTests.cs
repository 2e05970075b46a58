using System.Net.Http.Json;
using Agora.Contracts.Registry.V1;
using Agora.Registry.Tests.Identity;
using Agora.ServiceDefaults;
using Agora.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace Agora.Registry.Tests.Grpc;

public sealed class PartnerFactory : IdentityFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> MoreSettings => [new("Registry:Partners:PollMilliseconds", "100")];
}

public sealed class PartnerApiTests(PartnerFactory factory) : IClassFixture<PartnerFactory>
{
    private GrpcChannel Channel() => GrpcChannel.ForAddress(factory.Server.BaseAddress, new() { HttpHandler = factory.Server.CreateHandler() });

    private async Task<Metadata> PartnerAsync() =>
        new() { { "Authorization", $"Bearer {await factory.ClientCredentialsTokenAsync(IdentityFactory.PartnerId, IdentityFactory.PartnerSecret)}" } };

    [Fact]
    public async Task A_partner_with_a_client_credentials_token_queries_the_directory_and_others_cannot()
    {
        var client = factory.CreateClient();
        var listed = await Api.RegisterAsync(client, new { kind = "movement", names = new { ar = "حراك الماء", fr = "Mouvement pour l'eau" }, preferredLanguage = "ar", governorate = "kairouan", themes = new[] { "environment" }, email = Api.NewEmail() });
        var pending = await Api.RegisterAsync(client, new { kind = "movement", names = new { fr = "Mouvement pour l'eau potable" }, preferredLanguage = "fr", email = Api.NewEmail() });
        await Arrange.ActivateAsync(factory, listed);
        using var channel = Channel();
        var directory = new PartnerDirectory.PartnerDirectoryClient(channel);

        var page = await directory.SearchAsync(new DirectorySearchRequest { Query = "الماء", PageSize = 10 }, await PartnerAsync());
        var asParticipant = await Assert.ThrowsAsync<RpcException>(async () => await directory.SearchAsync(new DirectorySearchRequest(),
            new Metadata { { "Authorization", $"Bearer {TestTokens.For(listed, Roles.Participant, Roles.Steering)}" } }));
        var anonymous = await Assert.ThrowsAsync<RpcException>(async () => await directory.SearchAsync(new DirectorySearchRequest()));
        var invalid = await Assert.ThrowsAsync<RpcException>(async () => await directory.SearchAsync(new DirectorySearchRequest { Kind = "party" }, await PartnerAsync()));

        var entry = Assert.Single(page.Entries);
        Assert.Equal((listed.ToString(), "movement", "kairouan", "Mouvement pour l'eau"), (entry.ParticipantId, entry.Kind, entry.Governorate, entry.NameFr));
        Assert.NotEqual(pending.ToString(), entry.ParticipantId);
        Assert.Equal(StatusCode.PermissionDenied, asParticipant.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
    }

    [Fact]
    public async Task The_change_stream_resumes_from_a_cursor_and_follows_new_changes()
    {
        var client = factory.CreateClient();
        var first = await Api.RegisterAsync(client, new { kind = "organization", names = new { fr = "Premier" }, preferredLanguage = "fr", email = Api.NewEmail() });
        await Arrange.ActivateAsync(factory, first);
        using var channel = Channel();
        var directory = new PartnerDirectory.PartnerDirectoryClient(channel);
        var metadata = await PartnerAsync();

        var all = new List<DirectoryChange>();
        using (var call = directory.WatchChanges(new WatchChangesRequest(), metadata))
        {
            await foreach (var change in call.ResponseStream.ReadAllAsync())
            {
                all.Add(change);
            }
        }
        var mine = all.Last(c => c.ParticipantId == first.ToString());
        Assert.Equal(DirectoryChange.Types.ChangeType.Upserted, mine.Type);
        Assert.Equal("Premier", mine.Entry.NameFr);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var follow = directory.WatchChanges(new WatchChangesRequest { Cursor = all[^1].Cursor, Follow = true }, metadata, cancellationToken: cts.Token);
        var second = await Api.RegisterAsync(client, new { kind = "organization", names = new { fr = "Second" }, preferredLanguage = "fr", email = Api.NewEmail() });
        await factory.ClientFor(Guid.NewGuid(), Roles.Steering).DeleteAsync($"/api/registry/participants/{first}");
        var seen = new List<DirectoryChange>();
        while (await follow.ResponseStream.MoveNext(cts.Token))
        {
            seen.Add(follow.ResponseStream.Current);
            if (seen.Any(c => c.ParticipantId == first.ToString()))
            {
                break;
            }
        }
        cts.Cancel();

        Assert.DoesNotContain(seen, c => c.Cursor == all[^1].Cursor); // nothing before the cursor again
        Assert.Contains(seen, c => c.ParticipantId == second.ToString() && c.Type == DirectoryChange.Types.ChangeType.Removed); // registered, not yet listed
        Assert.Equal(DirectoryChange.Types.ChangeType.Removed, seen.Single(c => c.ParticipantId == first.ToString()).Type);
        Assert.Null(seen.Single(c => c.ParticipantId == first.ToString()).Entry);
        var bad = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = directory.WatchChanges(new WatchChangesRequest { Cursor = "garbage" }, metadata);
            await call.ResponseStream.MoveNext();
        });
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    [Fact]
    public async Task An_individuals_governorate_reaches_partners_only_while_they_consent_and_a_change_of_consent_is_streamed()
    {
        var client = factory.CreateClient();
        var hedi = await Api.RegisterAsync(client, new { kind = "individual", names = new { fr = "Hédi Zouari" }, preferredLanguage = "fr", governorate = "siliana", directoryOptIn = true, email = Api.NewEmail() });
        await Arrange.ActivateAsync(factory, hedi);
        var me = factory.ClientFor(hedi, Roles.Participant);
        using var channel = Channel();
        var directory = new PartnerDirectory.PartnerDirectoryClient(channel);
        var metadata = await PartnerAsync();
        async Task<(List<string> ByGovernorate, List<string> ByWord, string Shown)> SearchAsync()
        {
            var byGovernorate = await directory.SearchAsync(new DirectorySearchRequest { Governorate = "siliana", Kind = "individual" }, metadata);
            var byWord = await directory.SearchAsync(new DirectorySearchRequest { Query = "siliana", Kind = "individual" }, metadata);
            var byName = await directory.SearchAsync(new DirectorySearchRequest { Query = "zouari" }, metadata);
            return ([.. byGovernorate.Entries.Select(e => e.ParticipantId)], [.. byWord.Entries.Select(e => e.ParticipantId)], Assert.Single(byName.Entries).Governorate);
        }
        async Task<(DirectoryChange Mine, string Cursor)> WatchAsync(string cursor)
        {
            var all = new List<DirectoryChange>();
            using var call = directory.WatchChanges(new WatchChangesRequest { Cursor = cursor }, metadata);
            await foreach (var change in call.ResponseStream.ReadAllAsync())
            {
                all.Add(change);
            }
            return (all.Last(c => c.ParticipantId == hedi.ToString()), all[^1].Cursor);
        }

        var hidden = await SearchAsync();
        var (registered, cursor) = await WatchAsync("");
        await me.PatchAsJsonAsync("/api/registry/me", new
        {
            demographics = new { gender = "male", ageBand = "35-49", occupation = "worker" }, demographicsConsent = true,
        }).JsonAsync(System.Net.HttpStatusCode.OK);
        var shown = await SearchAsync();
        (var consented, cursor) = await WatchAsync(cursor);
        await me.PatchAsJsonAsync("/api/registry/me", new { demographicsConsent = false }).JsonAsync(System.Net.HttpStatusCode.OK);
        var hiddenAgain = await SearchAsync();
        var (withdrawn, _) = await WatchAsync(cursor);

        foreach (var (byGovernorate, byWord, governorate) in new[] { hidden, hiddenAgain })
        {
            Assert.Empty(byGovernorate);
            Assert.Empty(byWord);
            Assert.Equal("", governorate);
        }
        Assert.Equal([hedi.ToString()], shown.ByGovernorate);
        Assert.Equal([hedi.ToString()], shown.ByWord);
        Assert.Equal("siliana", shown.Shown);
        Assert.Equal((DirectoryChange.Types.ChangeType.Upserted, ""), (registered.Type, registered.Entry.Governorate));
        Assert.Equal((DirectoryChange.Types.ChangeType.Upserted, "siliana"), (consented.Type, consented.Entry.Governorate));
        Assert.Equal((DirectoryChange.Types.ChangeType.Upserted, ""), (withdrawn.Type, withdrawn.Entry.Governorate));
    }

    [Fact]
    public async Task Reflection_lists_the_partner_service()
    {
        using var channel = Channel();
        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("agora.registry.v1.PartnerDirectory", services);
        Assert.Contains("agora.registry.v1.Contacts", services);
    }
}
