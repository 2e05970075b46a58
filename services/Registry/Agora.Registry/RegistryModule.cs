using Agora.Messaging;
using Agora.Registry.Data;
using Agora.Registry.Grpc;
using Agora.Registry.Participants;

namespace Agora.Registry;

public static class RegistryModule
{
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<RegistryDbContext>("registrydb");
        builder.AddAgoraMessaging<RegistryDbContext>("registry");
        builder.Services.AddGrpc();
        builder.Services.AddGrpcReflection();
        return builder;
    }

    public static WebApplication MapRegistry(this WebApplication app)
    {
        app.MapParticipantsApi();
        app.MapGrpcService<RegistryGrpcService>();
        app.MapGrpcReflectionService();
        return app;
    }
}

/// <summary>Marks this service's assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class RegistryMarker;
