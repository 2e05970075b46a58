namespace Agora.Charter.Analysis;

/// <summary>
/// Full recompute of the opinion analysis, equivalent to Pol.is's from-scratch update
/// (compdemocracy/polis math/src/polismath/math: conversation.clj, pca.clj, clusters.clj, repness.clj),
/// plus constituency consensus, the common minimum and map firmness.
/// </summary>
public static class OpinionAnalyzer
{
    /// <summary>Analyzes the votes.</summary>
    /// <param name="votes">Vote matrix; its row order is the participants' arrival order.</param>
    /// <param name="options">Options, Pol.is's defaults if null.</param>
    public static OpinionAnalysis Analyze(VoteMatrix votes, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(votes);
        options ??= new AnalysisOptions();
        int n = votes.ParticipantCount, m = votes.StatementCount;
        var rowStart = votes.RowStart;
        var columns = votes.Columns;
        var values = votes.Values;

        // Overall counts and Pol.is's columns (statements with at least one vote).
        var agree = new int[m];
        var disagree = new int[m];
        var pass = new int[m];
        for (var k = 0; k < columns.Length; k++)
        {
            switch (values[k])
            {
                case 1: agree[columns[k]]++; break;
                case -1: disagree[columns[k]]++; break;
                default: pass[columns[k]]++; break;
            }
        }

        var modOut = new bool[m];
        var voted = new bool[m];
        var pcaColumns = 0;
        var modOutColumns = 0;
        var mean = new double[m];
        for (var c = 0; c < m; c++)
        {
            modOut[c] = votes.Moderation[c] == ModerationStatus.ModeratedOut;
            var seen = agree[c] + disagree[c] + pass[c];
            voted[c] = seen > 0;
            if (!voted[c])
            {
                continue;
            }

            pcaColumns++;
            if (modOut[c])
            {
                modOutColumns++; // zeroed for everyone: mean 0, and every row counts it as voted
            }
            else
            {
                mean[c] = (double)(agree[c] - disagree[c]) / seen;
            }
        }

        // Centred sparse matrix: mean-imputed cells centre to exactly 0, moderated-out cells are 0.
        var voters = new List<int>(n);
        for (var r = 0; r < n; r++)
        {
            if (rowStart[r + 1] > rowStart[r])
            {
                voters.Add(r);
            }
        }

        var cStart = new int[n + 1];
        var cIndex = new int[columns.Length];
        var cValues = new double[columns.Length];
        var nnz = 0;
        var effectiveVotes = new int[n];
        for (var r = 0; r < n; r++)
        {
            cStart[r] = nnz;
            for (var k = rowStart[r]; k < rowStart[r + 1]; k++)
            {
                var c = columns[k];
                if (modOut[c])
                {
                    continue;
                }

                cIndex[nnz] = c;
                cValues[nnz] = values[k] - mean[c];
                nnz++;
            }

            effectiveVotes[r] = nnz - cStart[r] + modOutColumns;
        }

        cStart[n] = nnz;
        var centered = new SparseRowMatrix(n, m, cStart, cIndex, cValues);
        var components = Math.Max(2, options.Components) + (options.ComputeThirdComponent ? 1 : 0);
        var pca = SparsePca.Compute(centered, components, options.PcaIterations);
        var pc1 = pca.Components.Count > 0 ? pca.Components[0] : new double[m];
        var pc2 = pca.Components.Count > 1 ? pca.Components[1] : new double[m];

        // sparsity-aware projection, scaled by sqrt(columns / votes).
        var px = new double[n];
        var py = new double[n];
        for (var r = 0; r < n; r++)
        {
            double x = 0, y = 0;
            for (var k = cStart[r]; k < cStart[r + 1]; k++)
            {
                x += cValues[k] * pc1[cIndex[k]];
                y += cValues[k] * pc2[cIndex[k]];
            }

            var scale = Math.Sqrt((double)pcaColumns / Math.Max(effectiveVotes[r], 1));
            px[r] = x * scale;
            py[r] = y * scale;
        }

        // in-conv: at least min(7, columns) votes; topped up with the most active to 15.
        var threshold = Math.Min(options.MinVotesToCluster, pcaColumns);
        var inConv = new bool[n];
        var inConvCount = 0;
        foreach (var r in voters)
        {
            if (rowStart[r + 1] - rowStart[r] >= threshold)
            {
                inConv[r] = true;
                inConvCount++;
            }
        }

        if (inConvCount < options.MinClusteredParticipants)
        {
            var rest = voters.Where(r => !inConv[r]).OrderByDescending(r => rowStart[r + 1] - rowStart[r]).ThenBy(r => r)
                .Take(options.MinClusteredParticipants - inConvCount).ToList();
            foreach (var r in rest)
            {
                inConv[r] = true;
            }
        }

        var clusteredRows = new List<int>();
        for (var r = 0; r < n; r++)
        {
            if (inConv[r])
            {
                clusteredRows.Add(r);
            }
        }

        // Base clusters.
        var bx = new double[clusteredRows.Count];
        var by = new double[clusteredRows.Count];
        for (var i = 0; i < clusteredRows.Count; i++)
        {
            bx[i] = px[clusteredRows[i]];
            by[i] = py[clusteredRows[i]];
        }

        var baseClusters = clusteredRows.Count == 0
            ? []
            : KMeans.Cluster(bx, by, null, options.BaseClusters, options.BaseIterations);
        var nb = baseClusters.Count;
        var cx = new double[nb];
        var cy = new double[nb];
        var cw = new double[nb];
        for (var b = 0; b < nb; b++)
        {
            cx[b] = baseClusters[b].X;
            cy[b] = baseClusters[b].Y;
            cw[b] = baseClusters[b].Members.Length;
        }

        // Group clusters: weighted k-means over base clusters for k = 2..maxK, chosen by silhouette.
        var maxK = Math.Min(options.MaxGroups, 2 + (nb / 12));
        var silhouettes = new List<double>();
        IReadOnlyList<Cluster> groups = [];
        var bestSilhouette = double.NegativeInfinity;
        if (nb > 0)
        {
            for (var k = 2; k <= maxK; k++)
            {
                var clustering = KMeans.Cluster(cx, cy, cw, k, options.GroupIterations);
                var s = KMeans.Silhouette(cx, cy, clustering);
                silhouettes.Add(s);
                var score = double.IsNaN(s) ? double.NegativeInfinity : s;
                if (groups.Count == 0 || score >= bestSilhouette)
                {
                    bestSilhouette = score;
                    groups = clustering;
                }
            }
        }

        // Assign participants.
        var groupOfRow = new int[n];
        Array.Fill(groupOfRow, -1);
        var groupOfBase = new int[nb];
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var b in groups[g].Members)
            {
                groupOfBase[b] = g;
                foreach (var i in baseClusters[b].Members)
                {
                    groupOfRow[clusteredRows[i]] = g;
                }
            }
        }

        var keys = votes.ParticipantKeys;
        var statementKeys = votes.StatementKeys;
        var opinionGroups = new List<OpinionGroup>(groups.Count);
        var memberLists = new List<string>[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            memberLists[g] = [];
        }

        foreach (var r in clusteredRows)
        {
            if (groupOfRow[r] >= 0)
            {
                memberLists[groupOfRow[r]].Add(keys[r]);
            }
        }

        for (var g = 0; g < groups.Count; g++)
        {
            opinionGroups.Add(new OpinionGroup(g, memberLists[g], [.. groups[g].Members.Select(b => baseClusters[b].Id)], groups[g].X, groups[g].Y));
        }

        var baseResult = new List<BaseCluster>(nb);
        for (var b = 0; b < nb; b++)
        {
            baseResult.Add(new BaseCluster(baseClusters[b].Id, cx[b], cy[b], [.. baseClusters[b].Members.Select(i => keys[clusteredRows[i]])]));
        }

        // Per-group counts over the raw votes (conversation.clj votes-base / group-votes).
        var gCount = groups.Count;
        var byGroup = new VoteCounts[gCount][];
        var ga = new int[gCount, m];
        var gd = new int[gCount, m];
        var gp = new int[gCount, m];
        for (var r = 0; r < n; r++)
        {
            var g = groupOfRow[r];
            if (g < 0)
            {
                continue;
            }

            for (var k = rowStart[r]; k < rowStart[r + 1]; k++)
            {
                switch (values[k])
                {
                    case 1: ga[g, columns[k]]++; break;
                    case -1: gd[g, columns[k]]++; break;
                    default: gp[g, columns[k]]++; break;
                }
            }
        }

        for (var g = 0; g < gCount; g++)
        {
            byGroup[g] = new VoteCounts[m];
            for (var c = 0; c < m; c++)
            {
                byGroup[g][c] = new VoteCounts(ga[g, c], gd[g, c], gp[g, c]);
            }
        }

        var overall = new VoteCounts[m];
        var stats = new List<StatementStats>(m);
        var gic = new double[m];
        for (var c = 0; c < m; c++)
        {
            overall[c] = new VoteCounts(agree[c], disagree[c], pass[c]);
            var perGroup = new VoteCounts[gCount];
            var product = 1.0;
            for (var g = 0; g < gCount; g++)
            {
                perGroup[g] = byGroup[g][c];
                product *= perGroup[g].SmoothedAgree;
            }

            gic[c] = gCount == 0 ? overall[c].SmoothedAgree : product;
            // The sparsity-aware projection (as for participants above) of a vote vector holding one agree on c alone.
            var extremity = voted[c] && !modOut[c]
                ? Math.Abs(1 - mean[c]) * Math.Sqrt(pcaColumns) * Math.Sqrt((pc1[c] * pc1[c]) + (pc2[c] * pc2[c]))
                : 0;
            stats.Add(new StatementStats(statementKeys[c], votes.Moderation[c], overall[c], perGroup, gic[c], extremity));
        }

        var representative = Repness.Select(statementKeys, modOut, byGroup);
        var polisConsensus = Repness.SelectConsensus(statementKeys, modOut, overall);

        // Constituencies.
        var constituencies = new List<ConstituencyConsensus>();
        var countedCells = new List<VoteCounts[]>();
        foreach (var partition in options.Constituencies)
        {
            var (consensus, counted) = Constituencies(votes, partition, options.MinConstituencyVoters);
            constituencies.Add(consensus);
            countedCells.AddRange(counted);
        }

        // Common minimum.
        var common = new List<int>();
        for (var c = 0; c < m; c++)
        {
            if (modOut[c] || !voted[c])
            {
                continue;
            }

            var ok = gCount > 0 || overall[c].Seen > 0;
            for (var g = 0; g < gCount && ok; g++)
            {
                ok = byGroup[g][c].Seen > 0 && byGroup[g][c].AgreeShare >= options.CommonMinimumThreshold;
            }

            if (gCount == 0)
            {
                ok = ok && overall[c].AgreeShare >= options.CommonMinimumThreshold;
            }

            foreach (var cell in countedCells)
            {
                ok = ok && cell[c].Seen > 0 && cell[c].AgreeShare >= options.CommonMinimumThreshold;
            }

            if (ok)
            {
                common.Add(c);
            }
        }

        var commonMinimum = new CommonMinimum(options.CommonMinimumThreshold, options.MinConstituencyVoters,
            [.. common.OrderByDescending(c => gic[c]).ThenBy(c => c).Select(c => statementKeys[c])]);

        // Firmness.
        var eig = pca.Eigenvalues;
        var r21 = eig.Count > 1 && eig[0] > 0 ? eig[1] / eig[0] : double.NaN;
        var r32 = eig.Count > 2 && eig[1] > 0 ? eig[2] / eig[1] : double.NaN;
        var ordered = silhouettes.Where(s => !double.IsNaN(s)).OrderByDescending(s => s).ToList();
        var gap = ordered.Count > 1 ? ordered[0] - ordered[1] : double.NaN;
        var fragile = !(r21 < options.FragileEigenRatio) || (!double.IsNaN(gap) && gap < options.FragileSilhouetteGap);
        var firmness = new MapFirmness(eig, r21, r32, silhouettes, gap, fragile);

        var positions = new List<ParticipantPosition>(voters.Count);
        foreach (var r in voters)
        {
            positions.Add(new ParticipantPosition(keys[r], px[r], py[r], rowStart[r + 1] - rowStart[r], groupOfRow[r]));
        }

        return new OpinionAnalysis(voters.Count, m, opinionGroups, baseResult, positions, stats, representative,
            polisConsensus, constituencies, commonMinimum, firmness);
    }

    private static (ConstituencyConsensus Consensus, List<VoteCounts[]> Counted) Constituencies(
        VoteMatrix votes, ConstituencyPartition partition, int minVoters)
    {
        var m = votes.StatementCount;
        var names = partition.CellByParticipant.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var cellIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            cellIndex[names[i]] = i;
        }

        var a = new int[names.Count, m];
        var d = new int[names.Count, m];
        var p = new int[names.Count, m];
        var voterCount = new int[names.Count];
        for (var r = 0; r < votes.ParticipantCount; r++)
        {
            if (votes.RowStart[r + 1] == votes.RowStart[r]
                || !partition.CellByParticipant.TryGetValue(votes.ParticipantKeys[r], out var cellName))
            {
                continue;
            }

            var cell = cellIndex[cellName];
            voterCount[cell]++;
            for (var k = votes.RowStart[r]; k < votes.RowStart[r + 1]; k++)
            {
                switch (votes.Values[k])
                {
                    case 1: a[cell, votes.Columns[k]]++; break;
                    case -1: d[cell, votes.Columns[k]]++; break;
                    default: p[cell, votes.Columns[k]]++; break;
                }
            }
        }

        var cells = new List<ConstituencyCell>();
        var counted = new List<VoteCounts[]>();
        var perCell = new VoteCounts[names.Count][];
        for (var i = 0; i < names.Count; i++)
        {
            var isCounted = voterCount[i] >= minVoters;
            cells.Add(new ConstituencyCell(names[i], voterCount[i], isCounted));
            perCell[i] = new VoteCounts[m];
            for (var c = 0; c < m; c++)
            {
                perCell[i][c] = new VoteCounts(a[i, c], d[i, c], p[i, c]);
            }

            if (isCounted)
            {
                counted.Add(perCell[i]);
            }
        }

        var statements = new List<ConstituencyStatement>(m);
        for (var c = 0; c < m; c++)
        {
            var counts = new VoteCounts[names.Count];
            var shares = new double[names.Count];
            var product = 1.0;
            for (var i = 0; i < names.Count; i++)
            {
                counts[i] = perCell[i][c];
                shares[i] = cells[i].Counted && counts[i].Seen > 0 ? counts[i].AgreeShare : double.NaN;
                if (cells[i].Counted)
                {
                    product *= counts[i].SmoothedAgree;
                }
            }

            statements.Add(new ConstituencyStatement(votes.StatementKeys[c], counts, shares, product));
        }

        return (new ConstituencyConsensus(partition.Name, cells, statements), counted);
    }
}
