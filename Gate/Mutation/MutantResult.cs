namespace Xsave.Gate.Mutation;

/// <summary>What the default gate did to one mutant over every seed asked for.</summary>
/// <param name="SeedsAsked">Seeds requested; trials a time budget left unstarted count as not caught.</param>
public sealed record MutantResult(MutantSpec Mutant, int SeedsAsked, IReadOnlyList<MutantTrial> Trials)
{
    public int CaughtIn => Trials.Count(t => t.Caught);

    /// <summary>Caught on every seed asked for: a mutant that slips through once is a gap in the suite.</summary>
    public bool Caught => SeedsAsked > 0 && CaughtIn == SeedsAsked;

    /// <summary>The property that caught it most often (ties: the earliest in the catalogue, which ran first).</summary>
    public string? Property => Trials.Where(t => t.Caught).GroupBy(t => t.Property)
        .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();

    public double? MedianCases => Median(Trials.Where(t => t.Caught).Select(t => (double)t.Cases));

    public double? MedianSeconds => Median(Trials.Where(t => t.Caught).Select(t => t.Elapsed.TotalSeconds));

    public double? MedianShrunkEvents => Median(Trials.Select(t => t.Size).OfType<Properties.Running.CounterexampleSize>().Select(s => (double)s.Events));

    public double? MedianShrunkComponents => Median(Trials.Select(t => t.Size).OfType<Properties.Running.CounterexampleSize>().Select(s => (double)s.Components));

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
