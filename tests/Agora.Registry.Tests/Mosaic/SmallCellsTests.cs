using Agora.ServiceDefaults;

namespace Agora.Registry.Tests.Mosaic;

/// <summary>The rule the mosaic, the charter's analysis by constituency and a workshop's representation share.</summary>
public sealed class SmallCellsTests
{
    [Fact]
    public void Cells_under_the_minimum_are_hidden_zero_included_and_none_beside_them_when_two_have_people()
    {
        var hidden = SmallCells.Hidden([("a", 12), ("b", 4), ("c", 0), ("d", 1), ("e", 5)]);

        Assert.Equal([1, 2, 3], hidden.Order());
    }

    [Fact]
    public void A_lone_hidden_cell_with_people_takes_the_next_smallest_with_it_ties_broken_by_name()
    {
        var hidden = SmallCells.Hidden([("z", 7), ("y", 7), ("x", 3), ("w", 0), ("v", 9)]);

        // x alone has people among the hidden cells; y and z tie at 7, y comes first by name.
        Assert.Equal([1, 2, 3], hidden.Order());
    }

    [Fact]
    public void An_unknown_count_is_hidden_and_taken_as_not_empty()
    {
        Assert.Equal([0, 1], SmallCells.Hidden([("a", null), ("b", 6), ("c", 8)]).Order());
        Assert.Equal([0, 1], SmallCells.Hidden([("a", null), ("b", 2), ("c", 8)]).Order());
    }

    [Fact]
    public void Overlapping_cells_hide_only_the_small_ones()
    {
        Assert.Equal([1], SmallCells.Hidden([("a", 6), ("b", 2), ("c", 8)], complementary: false).Order());
        Assert.Equal([0, 1], SmallCells.Hidden([("a", 6), ("b", 2), ("c", 8)]).Order());
    }
}
