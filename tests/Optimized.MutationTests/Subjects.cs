using Xsave.Contract.Implementations;
using Xsave.Optimized;
using Xsave.Oracle;

using Xsave.Optimized.MutationTests.Architecture;

namespace Xsave.Optimized.MutationTests;

/// <summary>
/// The implementation under test (a fresh instance per use), the oracle as the reference, and the CPUs: every corpus
/// profile, built once per run, plus <see cref="WideCpu"/>.
/// </summary>
internal static class Subjects
{
    /// <summary>
    /// A new optimized implementation each call: its per-CPU tables and layout/refusal caches start empty, so each test
    /// runs the code it relies on itself. Stryker's per-test coverage then names every test that depends on a line
    /// (a shared instance would credit only the first test that filled a cache).
    /// </summary>
    public static OptimizedImplementation Optimized => new();

    public static OracleImplementation Oracle { get; } = new();

    /// <summary>Every profile of corpus/cpus, clean or not: the architecture part answers for any enumerated CPU.</summary>
    public static IReadOnlyList<CpuModel> AllCpus { get; } = Corpus.Profiles.Select(p => p.ToCpuModel()).ToList();

    public static IReadOnlyList<CpuModel> CleanCpus { get; } = Corpus.Profiles.Where(p => p.Clean).Select(p => p.ToCpuModel()).ToList();

    /// <summary>
    /// One CPU per distinct XSAVE enumeration (every leaf 0xD sub-leaf, the feature flags, MXCSR_MASK): neither
    /// architecture part reads family, model, stepping or microcode, so CPUs equal here get equal answers. Keeps the
    /// per-mutant run short (corpus/cpus has 177 profiles). <see cref="WideCpu"/> comes last.
    /// </summary>
    public static IReadOnlyList<CpuModel> DistinctXsaveCpus { get; } = [.. AllCpus.DistinctBy(Signature), WideCpu.Model];

    public static IReadOnlyList<CpuModel> DistinctCleanXsaveCpus { get; } = [.. CleanCpus.DistinctBy(Signature), WideCpu.Model];

    public static (ICpuArchitecture Subject, ICpuArchitecture Reference) Pair(CpuModel cpu) =>
        (Optimized.Architecture(cpu), Oracle.Architecture(cpu));

    private static string Signature(CpuModel cpu) =>
        string.Join(';', cpu.Leaf0D.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{kv.Value}")) + $"|{cpu.Flags}|{cpu.MxcsrMask:x}";
}
