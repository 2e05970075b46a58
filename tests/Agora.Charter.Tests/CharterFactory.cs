using System.Collections.Concurrent;
using Agora.Charter.Charters;
using Agora.Charter.Data;
using Agora.Charter.Eligibility;
using Agora.Charter.Statements;
using Agora.Messaging;
using Agora.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Charter.Tests;

/// <summary>
/// The charter service on its own database and vhost; analysis recomputed quickly in the background; the registry's
/// eligibility check (ballots, amendment votes) replaced by <see cref="FakeVoterEligibility"/> unless
/// <see cref="AsksTheRegistry"/>.
/// </summary>
public class CharterFactory() : ServiceFactory<CharterMarker, CharterDbContext>("charterdb")
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Charter:Analysis:Interval", "00:00:00.100"),
        new("Charter:Analysis:Quiet", "00:00:00"),
        new("Charter:CommonMinimum:Threshold", "0.7"),
        new("Charter:CommonMinimum:MinConstituencyVoters", "3"),
        new("Charter:Plan:CheckInterval", "1.00:00:00"),
    ];

    /// <summary>Holds saves back when a test arms it, to make two requests write at the same moment.</summary>
    public SaveGate Gate { get; } = new();

    /// <summary>Who may cast a ballot or vote on an amendment, when the registry is not asked: everyone unless a test says otherwise.</summary>
    public FakeVoterEligibility Eligibility { get; } = new();

    /// <summary>True: the production eligibility path (gRPC to <c>Charter:RegistryGrpc</c>) stays in place.</summary>
    protected virtual bool AsksTheRegistry => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.ConfigureDbContext<CharterDbContext>(o => o.AddInterceptors(Gate)));
        if (!AsksTheRegistry)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<IVoterEligibility>(Eligibility));
        }
    }

    /// <summary>Arranges accepted (or other) statements directly in the database.</summary>
    public async Task<Guid[]> StatementsAsync(Guid conversationId, int count, string theme = "dignity", StatementStatus status = StatementStatus.Accepted,
        DateTimeOffset? now = null)
    {
        await using var scope = Scope(out var db);
        var at = now ?? DateTimeOffset.UtcNow;
        var list = Enumerable.Range(0, count).Select(i =>
        {
            var s = Statement.Create(conversationId, theme, "fr", $"Énoncé {theme} {i} {Guid.NewGuid():N}", null, at.AddTicks(i));
            s.Status = status;
            return s;
        }).ToList();
        db.Statements.AddRange(list);
        await db.SaveChangesAsync();
        return [.. list.Select(s => s.Id)];
    }

    /// <summary>Arranges a charter directly in the database: version 1 (current) in <paramref name="status"/>, with <paramref name="articles"/> articles.</summary>
    public async Task<(Guid Charter, Article[] Articles)> CharterAsync(VersionStatus status, int articles = 1)
    {
        await using var scope = Scope(out var db);
        var now = DateTimeOffset.UtcNow;
        var charter = new CharterDocument { Id = Guid.CreateVersion7(), Title = "Charte", ConversationId = Conversation.MainId, CurrentVersion = 1, CreatedAt = now };
        var version = new CharterVersion { Id = Guid.CreateVersion7(), CharterId = charter.Id, Number = 1, Status = status, CreatedAt = now };
        var list = Enumerable.Range(1, articles).Select(i => new Article
        {
            Id = Guid.CreateVersion7(),
            VersionId = version.Id,
            LineageId = Guid.CreateVersion7(),
            Number = i,
            Theme = $"theme {i}",
            Text = $"Article {i}.",
        }).ToArray();
        db.Charters.Add(charter);
        db.CharterVersions.Add(version);
        db.Articles.AddRange(list);
        await db.SaveChangesAsync();
        return (charter.Id, list);
    }

    public async Task<int> OutboxCountAsync(string messageType, string contains)
    {
        await using var scope = Scope(out var db);
        return (await db.Set<OutboxMessage>().AsNoTracking().ToListAsync())
            .Count(m => m.MessageType.StartsWith($"Agora.Contracts.Charter.{messageType},", StringComparison.Ordinal) && m.Payload.Contains(contains, StringComparison.Ordinal));
    }
}

/// <summary>The same, on a fake clock (ballot windows, deadlines); background loops only run when a test calls them.</summary>
public sealed class FakeClockCharterFactory : CharterFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>
/// Answers eligibility as a test arranges it; everyone is eligible unless told otherwise, and the registry's eligible count
/// is unknown (a closed ballot's electorate is its profile count) unless a test sets <see cref="Eligible"/>.
/// </summary>
public sealed class FakeVoterEligibility : IVoterEligibility
{
    private readonly ConcurrentDictionary<Guid, EligibilityAnswer> answers = new();

    /// <summary>What the registry counts eligible at a ballot's close; null (the default): the registry cannot say.</summary>
    public int? Eligible { get; set; }

    public void Set(Guid participantId, EligibilityAnswer answer) => answers[participantId] = answer;

    public Task<EligibilityAnswer> CheckAsync(Guid participantId, CancellationToken ct) =>
        Task.FromResult(answers.GetValueOrDefault(participantId, EligibilityAnswer.Eligible));

    public Task<(int Eligible, int CurrentFoundingCallVersion)?> CountEligibleAsync(int minFoundingCallVersion, CancellationToken ct) =>
        Task.FromResult(Eligible is { } n ? (n, 1) : ((int, int)?)null);
}
