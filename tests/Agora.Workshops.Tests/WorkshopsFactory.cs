using System.Collections.Concurrent;
using Agora.Workshops.Data;
using Agora.Workshops.Eligibility;
using Agora.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Workshops.Tests;

/// <summary>The workshops service in process on its own database and vhost, its registry eligibility check replaced by <see cref="FakeEligibility"/>.</summary>
public class WorkshopsFactory() : ServiceFactory<WorkshopsMarker, WorkshopsDbContext>("workshopsdb")
{
    public FakeEligibility Eligibility { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Eligibility);
            services.AddScoped<IParticipantEligibility>(sp => sp.GetRequiredService<FakeEligibility>());
        });
    }
}

/// <summary>Answers eligibility as a test arranges it; everyone is eligible unless told otherwise.</summary>
public sealed class FakeEligibility : IParticipantEligibility
{
    private readonly ConcurrentDictionary<Guid, Agora.Workshops.Eligibility.EligibilityAnswer> answers = new();

    public void Set(Guid participantId, Agora.Workshops.Eligibility.EligibilityAnswer answer) => answers[participantId] = answer;

    public Task<Agora.Workshops.Eligibility.EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct) =>
        Task.FromResult(answers.GetValueOrDefault(participantId, Agora.Workshops.Eligibility.EligibilityAnswer.Eligible));
}
