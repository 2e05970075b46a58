namespace Agora.Charter.Analysis;

/// <summary>A k-means cluster over 2-D points: its id, member point indices (ascending) and centre.</summary>
/// <param name="Id">Cluster id (index of its initial centre).</param>
/// <param name="Members">Indices of member points, in point order.</param>
/// <param name="X">Centre x.</param>
/// <param name="Y">Centre y.</param>
public sealed record Cluster(int Id, int[] Members, double X, double Y);

/// <summary>
/// Pol.is's k-means (clusters.clj) from scratch: the initial centres are the first k distinct points
/// in order, every step assigns each point to the closest centre, drops empty clusters and moves each centre to
/// the (weighted) mean of its members; it stops after max-iterations + 1 steps or when, with centres sorted,
/// no centre moved by 0.01 or more. Deterministic; ties go to the lower cluster id.
/// </summary>
public static class KMeans
{
    private const int ParallelThreshold = 4096;

    /// <summary>Clusters the points; returns the clusters sorted by id.</summary>
    /// <param name="xs">Point x coordinates.</param>
    /// <param name="ys">Point y coordinates.</param>
    /// <param name="weights">Optional point weights (Pol.is: base-cluster sizes).</param>
    /// <param name="k">Wanted number of clusters (fewer if fewer distinct points).</param>
    /// <param name="maxIterations">Pol.is's max-iters (20 by default, 100 for base clusters).</param>
    public static IReadOnlyList<Cluster> Cluster(double[] xs, double[] ys, double[]? weights, int k, int maxIterations = 20)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        var n = xs.Length;
        var cx = new List<double>();
        var cy = new List<double>();
        var seen = new HashSet<(double, double)>();
        for (var i = 0; i < n && cx.Count < k; i++)
        {
            if (seen.Add((xs[i], ys[i])))
            {
                cx.Add(xs[i]);
                cy.Add(ys[i]);
            }
        }

        var ids = Enumerable.Range(0, cx.Count).ToArray();
        var centerX = cx.ToArray();
        var centerY = cy.ToArray();
        var assignment = new int[n];
        for (var iter = maxIterations; ; iter--)
        {
            Assign(xs, ys, centerX, centerY, assignment);
            var c = centerX.Length;
            var sumX = new double[c];
            var sumY = new double[c];
            var sumW = new double[c];
            var members = new int[c];
            for (var i = 0; i < n; i++)
            {
                var a = assignment[i];
                var w = weights?[i] ?? 1.0;
                sumX[a] += w * xs[i];
                sumY[a] += w * ys[i];
                sumW[a] += w;
                members[a]++;
            }

            var keep = new List<int>();
            for (var j = 0; j < c; j++)
            {
                if (members[j] > 0)
                {
                    keep.Add(j);
                }
            }

            var newX = new double[keep.Count];
            var newY = new double[keep.Count];
            var newIds = new int[keep.Count];
            for (var j = 0; j < keep.Count; j++)
            {
                var old = keep[j];
                newIds[j] = ids[old];
                newX[j] = sumW[old] > 0 ? sumX[old] / sumW[old] : centerX[old];
                newY[j] = sumW[old] > 0 ? sumY[old] / sumW[old] : centerY[old];
            }

            var done = iter <= 0 || SameClustering(centerX, centerY, newX, newY);
            if (done || keep.Count == 0)
            {
                // Final membership is the assignment of this last step.
                var remap = new int[c];
                Array.Fill(remap, -1);
                for (var j = 0; j < keep.Count; j++)
                {
                    remap[keep[j]] = j;
                }

                var lists = new List<int>[keep.Count];
                for (var j = 0; j < lists.Length; j++)
                {
                    lists[j] = [];
                }

                for (var i = 0; i < n; i++)
                {
                    lists[remap[assignment[i]]].Add(i);
                }

                var result = new Cluster[keep.Count];
                for (var j = 0; j < keep.Count; j++)
                {
                    result[j] = new Cluster(newIds[j], [.. lists[j]], newX[j], newY[j]);
                }

                return result;
            }

            ids = newIds;
            centerX = newX;
            centerY = newY;
        }
    }

    private static void Assign(double[] xs, double[] ys, double[] cx, double[] cy, int[] assignment)
    {
        var n = xs.Length;
        if (n < ParallelThreshold)
        {
            AssignRange(0, n, xs, ys, cx, cy, assignment);
            return;
        }

        var chunks = (n + ParallelThreshold - 1) / ParallelThreshold;
        Parallel.For(0, chunks, b => AssignRange(b * ParallelThreshold, Math.Min(n, (b + 1) * ParallelThreshold), xs, ys, cx, cy, assignment));
    }

    private static void AssignRange(int from, int to, double[] xs, double[] ys, double[] cx, double[] cy, int[] assignment)
    {
        var c = cx.Length;
        for (var i = from; i < to; i++)
        {
            double x = xs[i], y = ys[i];
            var best = 0;
            var bestDistance = double.PositiveInfinity;
            for (var j = 0; j < c; j++)
            {
                double dx = x - cx[j], dy = y - cy[j];
                var d = (dx * dx) + (dy * dy);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = j;
                }
            }

            assignment[i] = best;
        }
    }

    /// <summary>clusters.clj same-clustering?: sorted centres pairwise closer than 0.01 (zip truncates).</summary>
    private static bool SameClustering(double[] ax, double[] ay, double[] bx, double[] by)
    {
        var a = Sorted(ax, ay);
        var b = Sorted(bx, by);
        var count = Math.Min(a.Length, b.Length);
        for (var i = 0; i < count; i++)
        {
            double dx = a[i].X - b[i].X, dy = a[i].Y - b[i].Y;
            if (Math.Sqrt((dx * dx) + (dy * dy)) >= 0.01)
            {
                return false;
            }
        }

        return true;
    }

    private static (double X, double Y)[] Sorted(double[] xs, double[] ys)
    {
        var points = new (double X, double Y)[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            points[i] = (xs[i], ys[i]);
        }

        Array.Sort(points, static (p, q) => p.X != q.X ? p.X.CompareTo(q.X) : p.Y.CompareTo(q.Y));
        return points;
    }

    /// <summary>
    /// Mean silhouette coefficient of a clustering of points (clusters.clj silhouette): per point
    /// (b - a) / max(a, b), 0 for members of singleton clusters; unweighted mean over points.
    /// Returns NaN when there are fewer than two clusters.
    /// </summary>
    /// <param name="xs">Point x coordinates.</param>
    /// <param name="ys">Point y coordinates.</param>
    /// <param name="clusters">Clusters whose members index the points.</param>
    public static double Silhouette(double[] xs, double[] ys, IReadOnlyList<Cluster> clusters)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        ArgumentNullException.ThrowIfNull(clusters);
        if (clusters.Count < 2)
        {
            return double.NaN;
        }

        var total = 0.0;
        var count = 0;
        for (var own = 0; own < clusters.Count; own++)
        {
            foreach (var p in clusters[own].Members)
            {
                count++;
                if (clusters[own].Members.Length == 1)
                {
                    continue; // silhouette 0
                }

                var a = MeanDistance(xs, ys, p, clusters[own].Members);
                var b = double.PositiveInfinity;
                for (var other = 0; other < clusters.Count; other++)
                {
                    if (other != own)
                    {
                        b = Math.Min(b, MeanDistance(xs, ys, p, clusters[other].Members));
                    }
                }

                var max = Math.Max(a, b);
                total += max > 0 ? (b - a) / max : 0;
            }
        }

        return count == 0 ? double.NaN : total / count;
    }

    private static double MeanDistance(double[] xs, double[] ys, int p, int[] members)
    {
        var sum = 0.0;
        var n = 0;
        foreach (var q in members)
        {
            if (q == p)
            {
                continue;
            }

            double dx = xs[p] - xs[q], dy = ys[p] - ys[q];
            sum += Math.Sqrt((dx * dx) + (dy * dy));
            n++;
        }

        return n == 0 ? 0 : sum / n;
    }
}
