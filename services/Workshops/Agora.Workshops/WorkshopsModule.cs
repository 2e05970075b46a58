using Agora.Contracts.Registry.V1;
using Agora.Messaging;
using Agora.Workshops.Calendars;
using Agora.Workshops.CheckIn;
using Agora.Workshops.Common;
using Agora.Workshops.Contributions;
using Agora.Workshops.Data;
using Agora.Workshops.Minutes;
using Agora.Workshops.OpenSpace;
using Agora.Workshops.Representation;
using Agora.Workshops.Eligibility;
using Agora.Workshops.Erasure;
using Agora.Workshops.Profiles;
using Agora.Workshops.Programme;
using Agora.Workshops.Registrations;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Workshops;

public static class WorkshopsModule
{
    /// <summary>Configuration key of the registry's gRPC address (the eligibility check).</summary>
    public const string RegistryGrpcKey = "Workshops:RegistryGrpc";

    public static IHostApplicationBuilder AddWorkshops(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WorkshopsDbContext>("workshopsdb", pooled: true);
        builder.AddAgoraMessaging<WorkshopsDbContext>("workshops", bus =>
        {
            bus.AddConsumer<ParticipantProfileChangedConsumer>();
            bus.AddConsumer<ParticipantErasedConsumer>();
        });
        builder.Services.AddGrpc();
        builder.Services.AddGrpcClient<Participants.ParticipantsClient>(o =>
            o.Address = new Uri(builder.Configuration[RegistryGrpcKey] ?? "http://127.0.0.1:5102"));
        builder.Services.AddSingleton<EligibilityCache>();
        builder.Services.AddScoped<GrpcParticipantEligibility>();
        builder.Services.AddScoped<IParticipantEligibility>(sp =>
            new CachedParticipantEligibility(sp.GetRequiredService<GrpcParticipantEligibility>(), sp.GetRequiredService<EligibilityCache>()));
        builder.Services.AddSingleton<RegistrationGate>();
        builder.Services.Configure<ReservedSeatsOptions>(builder.Configuration.GetSection("Workshops:ReservedSeats"));
        builder.Services.AddHostedService<ReservedSeatRelease>();
        builder.Services.Configure<CheckInOptions>(builder.Configuration.GetSection("Workshops:CheckIn"));
        builder.AddErasedParticipants(async (services, since, ct) => await services.GetRequiredService<WorkshopsDbContext>().ErasedParticipants
            .AsNoTracking().Where(e => since == null || e.ErasedAt > since).Select(e => new ErasedRow(e.ParticipantId, e.ErasedAt)).ToListAsync(ct));
        return builder;
    }

    public static WebApplication MapWorkshops(this WebApplication app)
    {
        var api = app.MapGroup("/api/workshops");
        api.AddEndpointFilter<TransientFailureFilter>();
        api.MapProgrammeApi();
        api.MapSessionCancellationApi();
        api.MapSessionEditingApi();
        api.MapRegistrationsApi();
        api.MapCheckInApi();
        api.MapContributionsApi();
        api.MapMinutesApi();
        api.MapRepresentationApi();
        api.MapCalendarApi();
        api.MapOpenSpaceApi();
        return app;
    }
}

/// <summary>Marks this service's assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class WorkshopsMarker;
