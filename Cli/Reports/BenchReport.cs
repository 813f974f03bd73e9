using System.Text.Json.Serialization;
using Xsave.BenchCore;

namespace Xsave.Cli.Reports;

/// <summary>One operation of 'bench --json': ops per second of each implementation and optimized/oracle; null where an
/// implementation could not run it (the human table says why).</summary>
public sealed record BenchOperationEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("oracle_ops_per_s")] double? OracleOpsPerSecond,
    [property: JsonPropertyName("optimized_ops_per_s")] double? OptimizedOpsPerSecond,
    [property: JsonPropertyName("ratio")] double? Ratio);

/// <summary>
/// The answer of 'bench --json', exactly the object: {"operations": [{"name", "oracle_ops_per_s",
/// "optimized_ops_per_s", "ratio"}, ...]}. Ops per second are whole numbers; the ratio keeps three decimals.
/// </summary>
public sealed record BenchReport([property: JsonPropertyName("operations")] IReadOnlyList<BenchOperationEntry> Operations)
{
    public static BenchReport Build(BenchResults results) =>
        new(results.Operations.Select(o => new BenchOperationEntry(o.Operation.Name,
            Whole(o.Oracle.OpsPerSecond), Whole(o.Optimized.OpsPerSecond),
            o.Ratio is { } r ? Math.Round(r, 3) : null)).ToList());

    private static double? Whole(double? opsPerSecond) => opsPerSecond is { } v ? Math.Round(v) : null;
}
