using Agora.Messaging;
using Agora.Registry.Data;
using Agora.Registry.Directory;
using Agora.Registry.FoundingCall;
using Agora.Registry.Grpc;
using Agora.Registry.Identity;
using Agora.Registry.Me;
using Agora.Registry.Mosaic;
using Agora.Registry.Memberships;
using Agora.Registry.Participants;
using Agora.Registry.Privacy;
using Agora.Registry.Themes;
using Agora.Registry.Vetting;
using Microsoft.AspNetCore.DataProtection;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry;

public static class RegistryModule
{
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        // Pooled: building a context per request was a measurable share of a directory search's CPU.
        builder.AddServiceDatabase<RegistryDbContext>("registrydb", pooled: true);
        builder.Services.AddSingleton<KnownThemes>();
        builder.Services.Configure<MembershipOptions>(builder.Configuration.GetSection(MembershipOptions.Section));
        builder.AddAgoraMessaging<RegistryDbContext>("registry");
        // One key ring for all replicas, so a sign-in cookie issued by one is read by the others.
        builder.Services.AddDataProtection().SetApplicationName("agora-registry").PersistKeysToDbContext<RegistryDbContext>();
        builder.Services.AddGrpc();
        builder.Services.AddGrpcReflection();

        var keyFile = KeyLocations.PathFor(builder.Configuration, PersonalDataProtector.KeyFileSetting, "privacy.key");
        builder.Services.AddSingleton(PersonalDataProtector.FromKeyFile(keyFile, KeyLocations.MayGenerate(builder.Configuration, builder.Environment)));
        builder.Services.AddSingleton(new PasswordHasher());
        builder.Services.AddSingleton<OneTimeCodes>();
        builder.Services.AddRegistryRateLimits(builder.Configuration);
        builder.AddRegistryIdentity();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ContactsGrpcService.Policy, p => p.RequireAuthenticatedUser().RequireAssertion(ctx => ContactsGrpcService.HasScope(ctx.User)));
        // An erased participant keeps their id as a tombstone (status erased, updated at the erasure): their access token is refused.
        builder.AddErasedParticipants(async (services, since, ct) => await services.GetRequiredService<RegistryDbContext>().Participants
            .AsNoTracking().Where(p => p.Status == ParticipantStatus.Erased && (since == null || p.UpdatedAt > since))
            .Select(p => new ErasedRow(p.Id, p.UpdatedAt)).ToListAsync(ct));
        return builder;
    }

    public static WebApplication MapRegistry(this WebApplication app)
    {
        app.MapConnectApi();
        app.MapParticipantsApi();
        app.MapMeApi();
        app.MapThemesApi();
        app.MapFoundingCallApi();
        app.MapVettingApi();
        app.MapMembershipsApi();
        app.MapDirectoryApi();
        app.MapMosaicApi();
        app.MapGrpcService<RegistryGrpcService>().AllowAnonymous();
        app.MapGrpcService<ContactsGrpcService>();
        app.MapGrpcService<PartnerDirectoryGrpcService>();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }
}

/// <summary>Marks this service's assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class RegistryMarker;
