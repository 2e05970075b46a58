using Agora.Messaging;
using Agora.Charter.Data;

namespace Agora.Charter;

public static class CharterModule
{
    public static IHostApplicationBuilder AddCharter(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<CharterDbContext>("charterdb");
        builder.AddAgoraMessaging<CharterDbContext>("charter");
        builder.Services.AddGrpc();
        return builder;
    }

    public static WebApplication MapCharter(this WebApplication app) => app;
}

/// <summary>Marks this service's assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class CharterMarker;
