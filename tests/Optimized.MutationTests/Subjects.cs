using Xsave.Contract.Implementations;
using Xsave.Optimized;
using Xsave.Oracle;

namespace Xsave.Optimized.MutationTests;

/// <summary>The implementation under test, the oracle as the reference, and every corpus CPU, built once per run.</summary>
internal static class Subjects
{
    public static OptimizedImplementation Optimized { get; } = new();

    public static OracleImplementation Oracle { get; } = new();

    /// <summary>Every profile of corpus/cpus, clean or not: the architecture part answers for any enumerated CPU.</summary>
    public static IReadOnlyList<CpuModel> AllCpus { get; } = Corpus.Profiles.Select(p => p.ToCpuModel()).ToList();

    public static IReadOnlyList<CpuModel> CleanCpus { get; } = Corpus.Profiles.Where(p => p.Clean).Select(p => p.ToCpuModel()).ToList();

    public static (ICpuArchitecture Subject, ICpuArchitecture Reference) Pair(CpuModel cpu) =>
        (Optimized.Architecture(cpu), Oracle.Architecture(cpu));
}
