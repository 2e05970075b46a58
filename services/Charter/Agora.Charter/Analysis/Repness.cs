namespace Agora.Charter.Analysis;

/// <summary>Pol.is's statistics (stats.clj) and representativeness (repness.clj).</summary>
public static class Repness
{
    /// <summary>z at 90 % one-sided confidence.</summary>
    public const double Z90 = 1.2816;

    /// <summary>One-proportion test with pseudocounts (stats.clj prop-test).</summary>
    public static double PropTest(double successes, double trials)
    {
        var s = successes + 1;
        var n = trials + 1;
        return 2 * Math.Sqrt(n) * ((s / n) - 0.5);
    }

    /// <summary>Two-proportion test with pseudocounts (stats.clj two-prop-test).</summary>
    public static double TwoPropTest(double successIn, double successOut, double trialsIn, double trialsOut)
    {
        double s1 = successIn + 1, s2 = successOut + 1, n1 = trialsIn + 1, n2 = trialsOut + 1;
        var pi1 = s1 / n1;
        var pi2 = s2 / n2;
        var piHat = (s1 + s2) / (n1 + n2);
        if (piHat == 1)
        {
            return 0;
        }

        return (pi1 - pi2) / Math.Sqrt(piHat * (1 - piHat) * ((1 / n1) + (1 / n2)));
    }

    internal readonly record struct Stats(int Na, int Nd, int Ns, double Pa, double Pd, double Pat, double Pdt,
        double Ra, double Rd, double Rat, double Rdt)
    {
        public static Stats Of(VoteCounts group, VoteCounts rest)
        {
            int na = group.Agree, nd = group.Disagree, ns = group.Seen;
            int ra = rest.Agree, rd = rest.Disagree, rs = rest.Seen;
            var pa = (1.0 + na) / (2.0 + ns);
            var pd = (1.0 + nd) / (2.0 + ns);
            return new Stats(na, nd, ns, pa, pd, PropTest(na, ns), PropTest(nd, ns),
                pa / ((1.0 + ra) / (2.0 + rs)), pd / ((1.0 + rd) / (2.0 + rs)),
                TwoPropTest(na, ra, ns, rs), TwoPropTest(nd, rd, ns, rs));
        }
    }

    /// <summary>
    /// select-rep-comments: up to five representative statements per group (best agree first, then by
    /// repness × repness-test × p-success × p-test; agrees before disagrees).
    /// </summary>
    /// <param name="statementKeys">Statement keys.</param>
    /// <param name="excluded">Statements not eligible (moderated out).</param>
    /// <param name="byGroup">Counts [group][statement].</param>
    public static IReadOnlyList<GroupRepresentativeStatements> Select(IReadOnlyList<string> statementKeys,
        IReadOnlyList<bool> excluded, IReadOnlyList<VoteCounts[]> byGroup)
    {
        ArgumentNullException.ThrowIfNull(statementKeys);
        ArgumentNullException.ThrowIfNull(excluded);
        ArgumentNullException.ThrowIfNull(byGroup);
        var result = new List<GroupRepresentativeStatements>();
        for (var g = 0; g < byGroup.Count; g++)
        {
            var sufficient = new List<RepresentativeStatement>();
            RepresentativeStatement? best = null;
            Stats? bestAgree = null;
            var bestAgreeTid = -1;
            for (var t = 0; t < statementKeys.Count; t++)
            {
                if (excluded[t])
                {
                    continue;
                }

                var rest = default(VoteCounts);
                for (var o = 0; o < byGroup.Count; o++)
                {
                    if (o != g)
                    {
                        var c = byGroup[o][t];
                        rest = new VoteCounts(rest.Agree + c.Agree, rest.Disagree + c.Disagree, rest.Pass + c.Pass);
                    }
                }

                var s = Stats.Of(byGroup[g][t], rest);
                if ((s.Rat > Z90 && s.Pat > Z90) || (s.Rdt > Z90 && s.Pdt > Z90))
                {
                    sufficient.Add(Finalize(statementKeys[t], s, false));
                }

                if (sufficient.Count == 0 && (best is null || Math.Max(s.Rat, s.Rdt) > best.RepnessTest))
                {
                    best = Finalize(statementKeys[t], s, false);
                }

                if (BeatsBestAgree(s, bestAgree))
                {
                    bestAgree = s;
                    bestAgreeTid = t;
                }
            }

            var head = bestAgree is { } ba ? Finalize(statementKeys[bestAgreeTid], ba, true) : best;
            List<RepresentativeStatement> chosen;
            if (sufficient.Count == 0)
            {
                chosen = head is null ? [] : [head];
            }
            else
            {
                var sorted = sufficient
                    .Where(r => bestAgree is null || r.Statement != statementKeys[bestAgreeTid])
                    .OrderBy(r => -Metric(r))
                    .ToList();
                if (bestAgree is not null && head is not null)
                {
                    sorted.Insert(0, head);
                }

                var top = sorted.Take(5).ToList();
                chosen = [.. top.Where(r => r.RepfulFor == RepfulFor.Agree), .. top.Where(r => r.RepfulFor == RepfulFor.Disagree)];
            }

            result.Add(new GroupRepresentativeStatements(g, chosen));
        }

        return result;
    }

    private static double Metric(RepresentativeStatement r) => r.Repness * r.RepnessTest * r.PSuccess * r.PTest;

    private static bool BeatsBestAgree(Stats s, Stats? current)
    {
        if (s.Na == 0 && s.Nd == 0)
        {
            return false;
        }

        if (current is { } c)
        {
            return c.Ra > 1.0
                ? s.Ra * s.Rat * s.Pa * s.Pat > c.Ra * c.Rat * c.Pa * c.Pat
                : s.Pa * s.Pat > c.Pa * c.Pat;
        }

        return s.Pat > Z90 || (s.Ra > 1.0 && s.Pa > 0.5);
    }

    private static RepresentativeStatement Finalize(string key, Stats s, bool bestAgree) =>
        s.Rat > s.Rdt
            ? new RepresentativeStatement(key, RepfulFor.Agree, s.Na, s.Ns, s.Pa, s.Pat, s.Ra, (float)s.Rat, bestAgree)
            : new RepresentativeStatement(key, RepfulFor.Disagree, s.Nd, s.Ns, s.Pd, s.Pdt, s.Rd, (float)s.Rdt, bestAgree);

    /// <summary>select-consensus-comments: top five statements agreed (and disagreed) by everyone.</summary>
    /// <param name="statementKeys">Statement keys.</param>
    /// <param name="excluded">Statements not eligible (moderated out).</param>
    /// <param name="overall">Counts over all participants.</param>
    public static PolisConsensus SelectConsensus(IReadOnlyList<string> statementKeys, IReadOnlyList<bool> excluded,
        IReadOnlyList<VoteCounts> overall)
    {
        ArgumentNullException.ThrowIfNull(statementKeys);
        ArgumentNullException.ThrowIfNull(excluded);
        ArgumentNullException.ThrowIfNull(overall);
        var agree = new List<(double Metric, ConsensusStatement Statement)>();
        var disagree = new List<(double Metric, ConsensusStatement Statement)>();
        for (var t = 0; t < statementKeys.Count; t++)
        {
            if (excluded[t])
            {
                continue;
            }

            var c = overall[t];
            var pa = (1.0 + c.Agree) / (2.0 + c.Seen);
            var pd = (1.0 + c.Disagree) / (2.0 + c.Seen);
            var pat = PropTest(c.Agree, c.Seen);
            var pdt = PropTest(c.Disagree, c.Seen);
            if (pa > 0.5 && pat > Z90)
            {
                agree.Add((pa * pat, new ConsensusStatement(statementKeys[t], c.Agree, c.Seen, pa, pat)));
            }

            if (pd > 0.5 && pdt > Z90)
            {
                disagree.Add((pd * pdt, new ConsensusStatement(statementKeys[t], c.Disagree, c.Seen, pd, pdt)));
            }
        }

        return new PolisConsensus(
            [.. agree.OrderBy(a => -a.Metric).Take(5).Select(a => a.Statement)],
            [.. disagree.OrderBy(a => -a.Metric).Take(5).Select(a => a.Statement)]);
    }
}
