using System.Globalization;

namespace Xsave.Gate.Selection;

/// <summary>
/// "K/N": the K-th of N CI jobs sharing one campaign (1 ≤ K ≤ N). Shard K takes the selected properties at positions
/// K-1, K-1+N, K-1+2N, ... (round robin over the catalogue order), so the N shards are disjoint and together cover
/// every selected property. Seeds are derived per property (<see cref="SeedDerivation"/>), so a property runs the
/// same cases whichever shard it lands in.
/// </summary>
public sealed record ShardSpec(int Index, int Count)
{
    public static ShardSpec Whole { get; } = new(1, 1);

    public static bool TryParse(string? text, out ShardSpec shard, out GateError? error)
    {
        shard = Whole;
        error = null;
        if (text is null) return true;
        var parts = text.Split('/');
        if (parts.Length != 2 ||
            !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            error = new GateError($"--shard '{text}' is not K/N (e.g. 2/4: the second of four CI jobs)");
            return false;
        }
        if (n < 1)
        {
            error = new GateError($"--shard '{text}': N must be at least 1");
            return false;
        }
        if (k < 1 || k > n)
        {
            error = new GateError($"--shard '{text}': K must be from 1 to N ({n})");
            return false;
        }
        shard = new ShardSpec(k, n);
        return true;
    }

    public bool Includes(int position) => position % Count == Index - 1;

    /// <summary>This shard's share of <paramref name="items"/>, in their order.</summary>
    public IReadOnlyList<T> Take<T>(IReadOnlyList<T> items) => items.Where((_, position) => Includes(position)).ToList();

    public override string ToString() => $"{Index}/{Count}";
}
