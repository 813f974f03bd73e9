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

    /// <summary>
    /// One CPU per distinct XSAVE enumeration (every leaf 0xD sub-leaf, the feature flags, MXCSR_MASK): neither
    /// architecture part reads family, model, stepping or microcode, so CPUs equal here get equal answers. Keeps the
    /// per-mutant run short (corpus/cpus has 177 profiles).
    /// </summary>
    public static IReadOnlyList<CpuModel> DistinctXsaveCpus { get; } = AllCpus.DistinctBy(Signature).ToList();

    public static IReadOnlyList<CpuModel> DistinctCleanXsaveCpus { get; } = CleanCpus.DistinctBy(Signature).ToList();

    private static string Signature(CpuModel cpu) =>
        string.Join(';', cpu.Leaf0D.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{kv.Value}")) + $"|{cpu.Flags}|{cpu.MxcsrMask:x}";

    public static (ICpuArchitecture Subject, ICpuArchitecture Reference) Pair(CpuModel cpu) =>
        (Optimized.Architecture(cpu), Oracle.Architecture(cpu));
}
