using BenchmarkDotNet.Attributes;
using Xsave.BenchCore;

namespace Xsave.Bench;

/// <summary>
/// One benchmark per (operation, implementation) pair that can run, plus the bare-lookup baseline. Each invocation
/// runs the prepared loop <see cref="Batch"/> times, so the reported mean is per operation and the harness's own call
/// is spread over the batch. Ratios are computed from this one run by <see cref="BenchmarksTable"/>.
/// </summary>
[MemoryDiagnoser]
public class OperationBenchmarks
{
    public const int Batch = 256;

    private IOperationLoop _loop = null!;

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    /// <summary>The baseline, then every operation for each implementation that supports it (the others are listed
    /// with their reason in the summary instead).</summary>
    public static IEnumerable<string> Cases()
    {
        yield return BenchSubjects.CaseName(OperationCatalogue.BareLookupName, BenchSubjects.Baseline);
        foreach (var op in OperationCatalogue.All)
            foreach (var impl in BenchSubjects.Implementations)
                if (BenchSubjects.Prepare(op.Name, impl).Supported)
                    yield return BenchSubjects.CaseName(op.Name, impl);
    }

    [GlobalSetup]
    public void Setup()
    {
        var (operation, implementation) = BenchSubjects.ParseCase(Case);
        var prepared = BenchSubjects.Prepare(operation, implementation);
        _loop = prepared.Loop ?? throw new InvalidOperationException($"{Case}: {prepared.Unavailable}");
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Run() => _loop.Run(Batch);
}
