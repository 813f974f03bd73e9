using System.Reflection;
using Xsave.BenchCore;
using Xsave.Contract;
using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using Xsave.Optimized;
using Xsave.Oracle;

namespace Xsave.Bench;

/// <summary>
/// What the benchmarks measure: the CPU (the Sapphire Rapids corpus profile, or the file in $XSAVE_BENCH_CPU), its
/// precomputed inputs, and the two implementations by name.
/// </summary>
public static class BenchSubjects
{
    public const string Oracle = OracleImplementation.ImplementationName;
    public const string Optimized = OptimizedImplementation.ImplementationName;
    public const string Baseline = "baseline";

    public static IReadOnlyList<string> Implementations { get; } = [Oracle, Optimized];

    private static readonly Lazy<CpuModel> LazyCpu = new(LoadCpu);
    private static readonly Lazy<BenchInputs> LazyInputs = new(() => BenchInputs.For(LazyCpu.Value));

    public static CpuModel Cpu => LazyCpu.Value;

    public static BenchInputs Inputs => LazyInputs.Value;

    public static string CpuFile { get; } = Environment.GetEnvironmentVariable("XSAVE_BENCH_CPU") is { Length: > 0 } file
        ? file
        : Path.Combine(RepositoryRoot(), "corpus", "cpus", OperationCatalogue.DefaultCpu + ".json");

    /// <summary>A fresh implementation: each benchmark case boots its own kernel and architecture.</summary>
    public static IXstateImplementation Create(string name) => name switch
    {
        Oracle => new OracleImplementation(),
        Optimized => new OptimizedImplementation(),
        _ => throw new ArgumentException($"unknown implementation '{name}'", nameof(name)),
    };

    /// <summary>"operation/implementation", the benchmark's one parameter.</summary>
    public static string CaseName(string operation, string implementation) => operation + "/" + implementation;

    public static (string Operation, string Implementation) ParseCase(string name)
    {
        int slash = name.LastIndexOf('/');
        return (name[..slash], name[(slash + 1)..]);
    }

    /// <summary>The loop of one case, or why it cannot run.</summary>
    public static PreparedOperation Prepare(string operation, string implementation)
    {
        if (implementation == Baseline) return PreparedOperation.Ready(OperationCatalogue.BareLookup(Inputs));
        var op = OperationCatalogue.Find(operation) ?? throw new ArgumentException($"unknown operation '{operation}'", nameof(operation));
        return op.Prepare(Create(implementation), Cpu, Inputs);
    }

    private static CpuModel LoadCpu()
    {
        var loaded = CpuProfileLoader.LoadFile(CpuFile);
        if (loaded.Profiles.Count != 1)
            throw new InvalidOperationException($"{CpuFile}: {string.Join("; ", loaded.Errors)} (set XSAVE_BENCH_CPU to a profile file)");
        return loaded.Profiles[0].ToCpuModel();
    }

    private static string RepositoryRoot() =>
        typeof(BenchSubjects).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value ?? Directory.GetCurrentDirectory();
}
