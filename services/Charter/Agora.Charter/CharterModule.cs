using System.Text.Json.Serialization;
using Agora.Charter.Adoption;
using Agora.Charter.Charters;
using Agora.Charter.Consensus;
using Agora.Charter.Constituencies;
using Agora.Charter.Data;
using Agora.Charter.Eligibility;
using Agora.Charter.Import;
using Agora.Charter.Plan;
using Agora.Charter.Statements;
using Agora.Charter.Votes;
using Agora.Contracts.Registry.V1;
using Agora.Messaging;
using Microsoft.EntityFrameworkCore;
using Agora.ServiceDefaults;

namespace Agora.Charter;

public static class CharterModule
{
    /// <summary>Configuration key of the registry's gRPC address (who may cast a ballot or vote on an amendment).</summary>
    public const string RegistryGrpcKey = "Charter:RegistryGrpc";

    public static IHostApplicationBuilder AddCharter(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<CharterDbContext>("charterdb");
        builder.AddAgoraMessaging<CharterDbContext>("charter", bus =>
        {
            bus.AddConsumer<ContributionValidatedConsumer>();
            bus.AddConsumer<ParticipantProfileChangedConsumer>();
            bus.AddConsumer<ParticipantErasedConsumer>();
        });
        builder.Services.AddGrpc();
        builder.Services.AddGrpcClient<Participants.ParticipantsClient>(o =>
            o.Address = new Uri(builder.Configuration[RegistryGrpcKey] ?? "http://127.0.0.1:5102"));
        builder.Services.AddScoped<IVoterEligibility, GrpcVoterEligibility>();
        builder.Services.Configure<CommonMinimumOptions>(builder.Configuration.GetSection("Charter:CommonMinimum"));
        builder.Services.Configure<AnalysisScheduleOptions>(builder.Configuration.GetSection("Charter:Analysis"));
        builder.Services.Configure<DeadlineOptions>(builder.Configuration.GetSection("Charter:Plan"));
        builder.Services.AddSingleton<AnalysisWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AnalysisWorker>());
        builder.Services.Configure<VoteWriterOptions>(builder.Configuration.GetSection("Charter:Votes"));
        builder.Services.AddSingleton<VoteWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VoteWriter>());
        builder.Services.AddSingleton<DeadlineWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeadlineWatcher>());
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);
        builder.AddErasedParticipants(async (services, since, ct) => await services.GetRequiredService<CharterDbContext>().Erased
            .AsNoTracking().Where(e => since == null || e.ErasedAt > since).Select(e => new ErasedRow(e.ParticipantId, e.ErasedAt)).ToListAsync(ct));
        return builder;
    }

    public static WebApplication MapCharter(this WebApplication app)
    {
        app.MapStatementsApi();
        app.MapVotesApi();
        app.MapConsensusApi();
        app.MapPolisImportApi();
        app.MapChartersApi();
        app.MapAmendmentVotesApi();
        app.MapBallotsApi();
        app.MapPlanApi();
        return app;
    }
}

/// <summary>Marks this service's assembly for <c>WebApplicationFactory</c> in tests.</summary>
public sealed class CharterMarker;
