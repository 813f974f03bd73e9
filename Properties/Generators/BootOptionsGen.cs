using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract.Linux;

namespace Xsave.Properties.Generators;

/// <summary>
/// Kernel command-line options that change the capabilities the FPU setup sees (cpu_parse_early_param: noxsave,
/// noxsaves, noxsaveopt, clearcpuid=): the only path where the cpuid-deps closure acts. Most cases boot without any; a few clear
/// SSE, which on an AVX CPU writes an XCR0 XSETBV refuses (a failed boot, BootSummary.Failure).
/// </summary>
public static class BootOptionsGen
{
    /// <summary>The single flags clearcpuid= is drawn from, weighted toward the XSAVE family and the xfeature gates.</summary>
    private static readonly Gen<CpuidFlags> OneFlag = Weighted.Of(
        (3, Gen.Elements(CpuidFlags.Xsaves, CpuidFlags.Xsavec, CpuidFlags.Xgetbv1, CpuidFlags.Xfd, CpuidFlags.Avx,
            CpuidFlags.Avx512F, CpuidFlags.AmxTile, CpuidFlags.Pku)),
        (1, Gen.Elements(CpuidFlags.Xsave, CpuidFlags.Xsaveopt, CpuidFlags.Mpx, CpuidFlags.IntelPt, CpuidFlags.Ospke,
            CpuidFlags.Enqcmd, CpuidFlags.Shstk, CpuidFlags.Ibt, CpuidFlags.ArchLbr, CpuidFlags.Fpu, CpuidFlags.Fxsr, CpuidFlags.Sse)));

    /// <summary>A change to a configuration: nothing (most often), noxsave, noxsaves, noxsaveopt, or one or two clearcpuid= flags.</summary>
    public static Gen<Func<KernelConfig, KernelConfig>> Options { get; } = Weighted.Of(
        (12, Gen.Constant<Func<KernelConfig, KernelConfig>>(c => c)),
        (5, NonEmptyGen()));

    /// <summary>Always at least one option.</summary>
    public static Gen<Func<KernelConfig, KernelConfig>> NonEmpty { get; } = NonEmptyGen();

    private static Gen<Func<KernelConfig, KernelConfig>> NonEmptyGen() => Weighted.Of(
        // noxsave: the FXSAVE/FSAVE paths (signal frames, sigreturn, their resets: docs/findings.md S1, S2), which
        // clearcpuid=xsave alone reached in about one sequence in a hundred.
        (1, Gen.Constant<Func<KernelConfig, KernelConfig>>(c => c with { NoXsave = true })),
        (1, Gen.Constant<Func<KernelConfig, KernelConfig>>(c => c with { NoXsaves = true })),
        (1, Gen.Constant<Func<KernelConfig, KernelConfig>>(c => c with { NoXsaveopt = true })),
        (3, from a in OneFlag
            from b in Weighted.Of((2, Gen.Constant(CpuidFlags.None)), (1, OneFlag))
            select (Func<KernelConfig, KernelConfig>)(c => c with { ClearCpuid = a | b })));
}
