using Agora.Messaging;
using Agora.Workshops.Data;

namespace Agora.Workshops;

public static class WorkshopsModule
{
    public static IHostApplicationBuilder AddWorkshops(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WorkshopsDbContext>("workshopsdb");
        builder.AddAgoraMessaging<WorkshopsDbContext>("workshops");
        builder.Services.AddGrpc();
        return builder;
    }

    public static WebApplication MapWorkshops(this WebApplication app) => app;
}

/// <summary>Marks this service's assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class WorkshopsMarker;
