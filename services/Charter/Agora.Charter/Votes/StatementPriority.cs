namespace Agora.Charter.Votes;

/// <summary>
/// Pol.is's rule for the next statement to show (polismath conversation.clj importance-metric and
/// priority-metric; the server then samples an unvoted statement with probability proportional to it):
/// importance = (1 − p)(E + 1)a with p = (P + 1)/(S + 2), a = (A + 1)/(S + 2);
/// priority = (importance · (1 + 8 · 2^(−S/5)))², so new statements bubble up and passed-over ones sink.
/// </summary>
public static class StatementPriority
{
    public static double Importance(int agree, int pass, int seen, double extremity)
    {
        var p = (pass + 1.0) / (seen + 2.0);
        var a = (agree + 1.0) / (seen + 2.0);
        return (1 - p) * (extremity + 1) * a;
    }

    public static double Priority(int agree, int pass, int seen, double extremity)
    {
        var x = Importance(agree, pass, seen, extremity) * (1 + (8 * Math.Pow(2, -seen / 5.0)));
        return x * x;
    }

    /// <summary>Weighted random choice (probability proportional to priority); null for no candidates.</summary>
    public static T? Pick<T>(IReadOnlyList<(T Item, double Priority)> candidates, Random random) where T : class
    {
        if (candidates.Count == 0)
        {
            return null;
        }
        var total = candidates.Sum(c => c.Priority);
        var x = random.NextDouble() * total;
        foreach (var (item, priority) in candidates)
        {
            x -= priority;
            if (x < 0)
            {
                return item;
            }
        }
        return candidates[^1].Item;
    }
}
