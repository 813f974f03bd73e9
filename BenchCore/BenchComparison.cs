using Xsave.Contract;
using Xsave.Contract.Implementations;

namespace Xsave.BenchCore;

/// <summary>One implementation's number for one operation: operations per second, or why there is none.</summary>
public sealed record Measurement(double? OpsPerSecond, string? Unavailable, double? BytesPerOperation = null)
{
    public static Measurement Of(double opsPerSecond, double? bytesPerOperation = null) => new(opsPerSecond, null, bytesPerOperation);

    public static Measurement NotAvailable(string reason) => new(null, reason);
}

/// <summary>Both implementations on one operation, measured in the same run.</summary>
public sealed record OperationComparison(BenchOperation Operation, Measurement Oracle, Measurement Optimized)
{
    /// <summary>Optimized ops/s over oracle ops/s (how many times faster the optimized implementation is), when both ran.</summary>
    public double? Ratio => Oracle.OpsPerSecond is > 0 && Optimized.OpsPerSecond is { } o ? o / Oracle.OpsPerSecond : null;
}

/// <summary>Every operation of the catalogue, oracle vs optimized, and the bare-lookup baseline, in one run.</summary>
public sealed record BenchResults(double BareLookupOpsPerSecond, IReadOnlyList<OperationComparison> Operations);

/// <summary>
/// Runs the catalogue: each operation is prepared for both implementations on the same inputs, then measured with
/// <see cref="OpsMeter"/>, oracle first, optimized second.
/// </summary>
public static class BenchComparison
{
    public static BenchResults Run(CpuModel cpu, IXstateImplementation oracle, IXstateImplementation optimized, TimeSpan measure,
        Action<string>? progress = null)
    {
        // Long enough for the JIT to move the loop and the queries to their optimized tier before the clock runs.
        var warmup = measure / 2;
        var inputs = BenchInputs.For(cpu);
        progress?.Invoke(OperationCatalogue.BareLookupName);
        double bare = OpsMeter.OpsPerSecond(OperationCatalogue.BareLookup(inputs), warmup, measure);

        var results = new List<OperationComparison>();
        foreach (var operation in OperationCatalogue.All)
        {
            progress?.Invoke(operation.Name);
            results.Add(new OperationComparison(operation,
                Measure(operation, oracle, cpu, inputs, warmup, measure),
                Measure(operation, optimized, cpu, inputs, warmup, measure)));
        }
        return new BenchResults(bare, results);
    }

    private static Measurement Measure(BenchOperation operation, IXstateImplementation implementation, CpuModel cpu,
        BenchInputs inputs, TimeSpan warmup, TimeSpan measure)
    {
        var prepared = operation.Prepare(implementation, cpu, inputs);
        if (prepared.Loop is not { } loop) return Measurement.NotAvailable(prepared.Unavailable ?? "not available");
        try
        {
            double opsPerSecond = OpsMeter.OpsPerSecond(loop, warmup, measure);
            return Measurement.Of(opsPerSecond, OpsMeter.BytesPerOperation(loop));
        }
        catch (Exception e)
        {
            // An implementation that throws mid-run is reported, not measured (and not a crash of the runner).
            return Measurement.NotAvailable($"{implementation.Name} failed while running: {e.GetType().Name}: {e.Message}");
        }
    }
}
