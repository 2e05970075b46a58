namespace Agora.Charter.Analysis;

/// <summary>A sparse row-major (CSR) matrix of doubles; absent cells are 0.</summary>
/// <param name="Rows">Row count.</param>
/// <param name="Columns">Column count.</param>
/// <param name="RowStart">Row offsets, length Rows + 1.</param>
/// <param name="ColumnIndex">Column of each stored value.</param>
/// <param name="Values">Stored values.</param>
public sealed record SparseRowMatrix(int Rows, int Columns, int[] RowStart, int[] ColumnIndex, double[] Values)
{
    /// <summary>Builds a sparse matrix from a dense one (tests, small inputs).</summary>
    public static SparseRowMatrix FromDense(double[,] dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        int rows = dense.GetLength(0), cols = dense.GetLength(1);
        var start = new int[rows + 1];
        var index = new List<int>();
        var values = new List<double>();
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                if (dense[r, c] != 0)
                {
                    index.Add(c);
                    values.Add(dense[r, c]);
                }
            }

            start[r + 1] = index.Count;
        }

        return new SparseRowMatrix(rows, cols, start, [.. index], [.. values]);
    }
}

/// <summary>Principal components found by power iteration.</summary>
/// <param name="Components">Unit-length components, each of length Columns.</param>
/// <param name="Eigenvalues">Eigenvalue of XᵀX for each component (|XᵀX v| at the last iteration).</param>
public sealed record PcaResult(IReadOnlyList<double[]> Components, IReadOnlyList<double> Eigenvalues);

/// <summary>
/// Pol.is's power-iteration PCA (pca.clj) on an already centred sparse matrix, without ever forming XᵀX:
/// each step computes Xᵀ(Xv) row by row; later components deflate the earlier ones (Gram-Schmidt, as
/// factor-matrix). Deterministic: rows are processed in fixed blocks whose partial sums are added in order.
/// </summary>
public static class SparsePca
{
    private const int BlockRows = 2048;
    private const int MaxBlocks = 64;

    /// <summary>Computes the first <paramref name="components"/> principal components.</summary>
    /// <param name="centered">Centred data (imputed cells are 0).</param>
    /// <param name="components">Number of components.</param>
    /// <param name="iterations">Power iterations per component (Pol.is: 100, i.e. up to 101 products).</param>
    public static PcaResult Compute(SparseRowMatrix centered, int components = 2, int iterations = 100)
    {
        ArgumentNullException.ThrowIfNull(centered);
        var m = centered.Columns;
        var count = Math.Min(components, Math.Min(centered.Rows, m));
        var comps = new List<double[]>();
        var eigen = new List<double>();
        var blocks = Math.Max(1, Math.Min(MaxBlocks, (centered.Rows + BlockRows - 1) / BlockRows));
        var partial = new double[blocks][];
        for (var b = 0; b < blocks; b++)
        {
            partial[b] = new double[m];
        }

        var product = new double[m];
        var work = new double[m];
        for (var c = 0; c < count; c++)
        {
            var v = StartVector(m, c);
            var lastEigen = 0.0;
            var eigenvalue = 0.0;
            for (var iter = iterations; ; iter--)
            {
                Deflate(v, comps, work);
                MultiplyGram(centered, work, product, partial, blocks);
                Deflate(product, comps, product);
                eigenvalue = Norm(product);
                if (eigenvalue == 0)
                {
                    Array.Clear(v);
                    break;
                }

                for (var j = 0; j < m; j++)
                {
                    v[j] = product[j] / eigenvalue;
                }

                if (iter == 0 || eigenvalue == lastEigen)
                {
                    break;
                }

                lastEigen = eigenvalue;
            }

            comps.Add(v);
            eigen.Add(eigenvalue);
        }

        return new PcaResult(comps, eigen);
    }

    /// <summary>
    /// Pol.is starts a fresh PCA from a random vector in [0, 1)ᵐ (a vector of ones can be orthogonal to a
    /// component of symmetric data); here the "random" values come from a fixed SplitMix64 sequence, so
    /// the result is deterministic.
    /// </summary>
    private static double[] StartVector(int m, int component)
    {
        var v = new double[m];
        var state = 0x9E3779B97F4A7C15UL * (ulong)(component + 1);
        for (var j = 0; j < m; j++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            v[j] = (z >> 11) * (1.0 / (1UL << 53));
        }

        return v;
    }

    private static void Deflate(double[] source, List<double[]> comps, double[] target)
    {
        if (!ReferenceEquals(source, target))
        {
            Array.Copy(source, target, source.Length);
        }

        foreach (var pc in comps)
        {
            double dot = 0, norm = 0;
            for (var j = 0; j < pc.Length; j++)
            {
                dot += pc[j] * target[j];
                norm += pc[j] * pc[j];
            }

            if (norm == 0)
            {
                continue;
            }

            var coefficient = dot / norm;
            for (var j = 0; j < pc.Length; j++)
            {
                target[j] -= coefficient * pc[j];
            }
        }
    }

    private static double Norm(double[] v)
    {
        var sum = 0.0;
        foreach (var x in v)
        {
            sum += x * x;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>result = Xᵀ (X v), computed row by row.</summary>
    private static void MultiplyGram(SparseRowMatrix x, double[] v, double[] result, double[][] partial, int blocks)
    {
        var rows = x.Rows;
        var perBlock = (rows + blocks - 1) / blocks;
        void Block(int b)
        {
            var acc = partial[b];
            Array.Clear(acc);
            var start = x.RowStart;
            var index = x.ColumnIndex;
            var values = x.Values;
            var end = Math.Min(rows, (b + 1) * perBlock);
            for (var r = b * perBlock; r < end; r++)
            {
                int from = start[r], to = start[r + 1];
                var dot = 0.0;
                for (var k = from; k < to; k++)
                {
                    dot += values[k] * v[index[k]];
                }

                if (dot == 0)
                {
                    continue;
                }

                for (var k = from; k < to; k++)
                {
                    acc[index[k]] += dot * values[k];
                }
            }
        }

        // One block (up to 2,048 rows) is done on this thread: Parallel.For would still hand a replica to the thread
        // pool for each of the few hundred products and wait for a pool worker to pick it up.
        if (blocks == 1)
        {
            Block(0);
        }
        else
        {
            Parallel.For(0, blocks, Block);
        }

        Array.Copy(partial[0], result, result.Length);
        for (var b = 1; b < blocks; b++)
        {
            var acc = partial[b];
            for (var j = 0; j < result.Length; j++)
            {
                result[j] += acc[j];
            }
        }
    }
}
