using System.Text.Json.Serialization;
using Xsave.BenchCore;

namespace Xsave.Cli.Reports;

/// <summary>One operation of 'bench --json': ops per second of each implementation and optimized/oracle; null where an
/// implementation could not run it (the human table says why).</summary>
public sealed record BenchOperationEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("oracle_ops_per_s")] double? OracleOpsPerSecond,
    [property: JsonPropertyName("optimized_ops_per_s")] double? OptimizedOpsPerSecond,
    [property: JsonPropertyName("ratio")] double? Ratio,
    [property: JsonPropertyName("optimized_bytes_per_op")] double? OptimizedBytesPerOperation);

/// <summary>The bare table lookup every size and validity query is measured against (issue 16: within 5x of it).</summary>
public sealed record BenchBaseline(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("ops_per_s")] double OpsPerSecond);

/// <summary>
/// The answer of 'bench --json' (issues 4 and 16): {"baseline": {"name": "bare-lookup", "ops_per_s"}, "operations":
/// [{"name", "oracle_ops_per_s", "optimized_ops_per_s", "ratio", "optimized_bytes_per_op"}, ...]}. Ops per second are
/// whole numbers; the ratio keeps three decimals, the bytes one.
/// </summary>
public sealed record BenchReport(
    [property: JsonPropertyName("baseline")] BenchBaseline Baseline,
    [property: JsonPropertyName("operations")] IReadOnlyList<BenchOperationEntry> Operations)
{
    public static BenchReport Build(BenchResults results) =>
        new(new BenchBaseline(OperationCatalogue.BareLookupName, Math.Round(results.BareLookupOpsPerSecond)),
            results.Operations.Select(o => new BenchOperationEntry(o.Operation.Name,
            Whole(o.Oracle.OpsPerSecond), Whole(o.Optimized.OpsPerSecond),
            o.Ratio is { } r ? Math.Round(r, 3) : null,
            o.Optimized.BytesPerOperation is { } b ? Math.Round(b, 1) : null)).ToList());

    private static double? Whole(double? opsPerSecond) => opsPerSecond is { } v ? Math.Round(v) : null;
}
