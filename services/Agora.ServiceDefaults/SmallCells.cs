namespace Agora.ServiceDefaults;

/// <summary>
/// The platform's one rule for showing counts of people (the registry's mosaic, the charter's analysis by
/// constituency, a workshop's representation): a cell of fewer than <see cref="Minimum"/> people, zero included,
/// shows no count, since its count could point at one person; and where exactly one hidden cell has people in it,
/// the next smallest shown cell is hidden too, or the total minus the cells shown would give it back.
/// </summary>
public static class SmallCells
{
    public const int Minimum = 5;

    /// <summary>The positions in <paramref name="cells"/> whose counts must not be shown.</summary>
    /// <param name="cells">Each cell's name and count; a null count (unknown, or already hidden) is hidden and taken as not empty.</param>
    /// <param name="complementary">
    /// False where the cells overlap (one person in several, as themes): their total is not the sum of the cells, so no
    /// cell can be worked out by subtraction and only the small cells are hidden.
    /// </param>
    public static IReadOnlySet<int> Hidden(IReadOnlyList<(string Name, int? Count)> cells, bool complementary = true)
    {
        var hidden = Enumerable.Range(0, cells.Count).Where(i => cells[i].Count is not { } n || n < Minimum).ToHashSet();
        if (complementary && hidden.Count(i => cells[i].Count is not 0) == 1)
        {
            var next = Enumerable.Range(0, cells.Count).Where(i => !hidden.Contains(i))
                .OrderBy(i => cells[i].Count).ThenBy(i => cells[i].Name, StringComparer.Ordinal)
                .Select(i => (int?)i).FirstOrDefault();
            if (next is { } n)
            {
                hidden.Add(n);
            }
        }
        return hidden;
    }
}
