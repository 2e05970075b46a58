using Agora.Charter.Data;
using Agora.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Consensus;

public static class ConsensusApi
{
    public static IEndpointRouteBuilder MapConsensusApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/charter/conversations/{conversationId:guid}/analysis").RequireAuthorization(Policies.Participant);
        group.MapGet("/", Full);
        group.MapGet("/groups", Groups);
        group.MapGet("/consensus", Consensus);
        group.MapGet("/constituencies", Constituencies);
        group.MapGet("/common-minimum", CommonMinimum);
        group.MapGet("/firmness", Firmness);
        return endpoints;
    }

    public sealed record GroupsView(DateTimeOffset ComputedAt, IReadOnlyList<GroupView> Groups, IReadOnlyList<GroupRepresentativeView> Representative);

    public sealed record GroupInformedConsensusView(Guid Statement, double Value);

    public sealed record ConsensusView(DateTimeOffset ComputedAt, PolisConsensusView Consensus, IReadOnlyList<GroupInformedConsensusView> GroupInformedConsensus);

    public sealed record ConstituenciesView(DateTimeOffset ComputedAt, IReadOnlyList<ConstituencyView> Constituencies);

    public sealed record CommonMinimumStatement(Guid Statement, string Theme, string Text, IReadOnlyDictionary<string, string?> Texts,
        double AgreeShare, IReadOnlyList<double> AgreeShareByGroup, double GroupInformedConsensus);

    /// <summary>The common minimum with the thresholds it was computed with, shown next to it.</summary>
    public sealed record CommonMinimumResult(DateTimeOffset ComputedAt, double Threshold, int MinConstituencyVoters, int Groups,
        IReadOnlyList<string> ConstituenciesCounted, IReadOnlyList<CommonMinimumStatement> Statements);

    public sealed record FirmnessResult(DateTimeOffset ComputedAt, int Groups, FirmnessView Firmness);

    private static async Task<AnalysisView?> Load(CharterDbContext db, Guid id, CancellationToken ct) => await AnalysisStore.LatestAsync(db, id, ct);

    private static ProblemHttpResult NotYet() => Problems.NotFound("analysis (none computed yet for this conversation)");

    internal static async Task<Results<Ok<AnalysisView>, ProblemHttpResult>> Full(Guid conversationId, CharterDbContext db, CancellationToken ct) =>
        await Load(db, conversationId, ct) is { } v ? TypedResults.Ok(v) : NotYet();

    internal static async Task<Results<Ok<GroupsView>, ProblemHttpResult>> Groups(Guid conversationId, CharterDbContext db, CancellationToken ct) =>
        await Load(db, conversationId, ct) is { } v ? TypedResults.Ok(new GroupsView(v.ComputedAt, v.Groups, v.Representative)) : NotYet();

    internal static async Task<Results<Ok<ConsensusView>, ProblemHttpResult>> Consensus(Guid conversationId, CharterDbContext db, CancellationToken ct) =>
        await Load(db, conversationId, ct) is { } v
            ? TypedResults.Ok(new ConsensusView(v.ComputedAt, v.Consensus,
                [.. v.StatementStats.OrderByDescending(s => s.GroupInformedConsensus).Select(s => new GroupInformedConsensusView(s.Statement, s.GroupInformedConsensus))]))
            : NotYet();

    internal static async Task<Results<Ok<ConstituenciesView>, ProblemHttpResult>> Constituencies(Guid conversationId, CharterDbContext db, CancellationToken ct) =>
        await Load(db, conversationId, ct) is { } v ? TypedResults.Ok(new ConstituenciesView(v.ComputedAt, v.Constituencies)) : NotYet();

    internal static async Task<Results<Ok<FirmnessResult>, ProblemHttpResult>> Firmness(Guid conversationId, CharterDbContext db, CancellationToken ct) =>
        await Load(db, conversationId, ct) is { } v ? TypedResults.Ok(new FirmnessResult(v.ComputedAt, v.Groups.Count, v.Firmness)) : NotYet();

    internal static async Task<Results<Ok<CommonMinimumResult>, ProblemHttpResult>> CommonMinimum(Guid conversationId, CharterDbContext db, CancellationToken ct)
    {
        if (await Load(db, conversationId, ct) is not { } v)
        {
            return NotYet();
        }
        var ids = v.CommonMinimum.Statements.ToList();
        var statements = await db.Statements.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var stats = v.StatementStats.ToDictionary(s => s.Statement);
        var list = ids.Where(statements.ContainsKey).Select(id =>
        {
            var s = statements[id];
            var st = stats[id];
            return new CommonMinimumStatement(id, s.Theme, s.Text, new Dictionary<string, string?> { ["ar"] = s.TextAr, ["fr"] = s.TextFr, ["en"] = s.TextEn },
                st.Overall.Seen == 0 ? 0 : (double)st.Overall.Agree / st.Overall.Seen,
                [.. st.ByGroup.Select(g => g.Seen == 0 ? 0 : (double)g.Agree / g.Seen)], st.GroupInformedConsensus);
        }).ToList();
        var counted = v.Constituencies.SelectMany(c => c.Cells.Where(x => x.Counted).Select(x => $"{c.Name}:{x.Name}")).ToList();
        return TypedResults.Ok(new CommonMinimumResult(v.ComputedAt, v.CommonMinimum.Threshold, v.CommonMinimum.MinConstituencyVoters, v.Groups.Count, counted, list));
    }
}
