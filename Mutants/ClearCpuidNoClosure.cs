using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// clearcpuid= without the dependency closure: the kernel before "x86/cpuid: Add generic table for CPUID dependencies"
/// (Andi Kleen, 2017; arch/x86/kernel/cpu/cpuid-deps.c) cleared only the named bit, so clearcpuid=avx left AVX512F set
/// and fpu__init_system_xstate kept the AVX-512 states without YMM. Built by hiding each named capability from the CPU
/// itself (a missing prerequisite on the CPU only earns check_cpufeature_deps' warning) and clearing nothing on the
/// command line. FPU, FXSR and SSE (64-bit kernels require them) and XSAVE (without it nothing of the closure matters:
/// no xstate is set up at all) are left to the correct implementation, so every difference is one of results or sizes.
/// </summary>
public sealed class ClearCpuidNoClosure(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:clearcpuid-no-closure";
    public override string Description => "clearcpuid=/noxsaves clear only the named capability, not what depends on it (cpuid-deps.c)";
    public override string Source => "x86/cpuid: Add generic table for CPUID dependencies (Andi Kleen, 2017): do_clear_cpu_cap follows cpuid_deps[]";

    private const CpuidFlags KeptByConfig = CpuidFlags.Fpu | CpuidFlags.Fxsr | CpuidFlags.Sse | CpuidFlags.Xsave;

    public override IKernel Boot(CpuModel cpu, KernelConfig config)
    {
        var hidden = config.ClearCpuid & ~KeptByConfig;
        if (config.NoXsaves) hidden |= CpuidFlags.Xsaves;
        if (config.NoXsaveopt) hidden |= CpuidFlags.Xsaveopt;
        if (hidden == CpuidFlags.None) return Inner.Boot(cpu, config);
        return Inner.Boot(Hide(cpu, hidden), config with { ClearCpuid = config.ClearCpuid & KeptByConfig, NoXsaves = false, NoXsaveopt = false });
    }

    private static CpuModel Hide(CpuModel cpu, CpuidFlags hidden)
    {
        bool Off(CpuidFlags f) => (hidden & f) != 0;
        var f = cpu.Flags;
        var flags = f with
        {
            Xsave = f.Xsave && !Off(CpuidFlags.Xsave),
            Avx = f.Avx && !Off(CpuidFlags.Avx),
            Avx512F = f.Avx512F && !Off(CpuidFlags.Avx512F),
            Mpx = f.Mpx && !Off(CpuidFlags.Mpx),
            IntelPt = f.IntelPt && !Off(CpuidFlags.IntelPt),
            Pku = f.Pku && !Off(CpuidFlags.Pku),
            Enqcmd = f.Enqcmd && !Off(CpuidFlags.Enqcmd),
            Shstk = f.Shstk && !Off(CpuidFlags.Shstk),
            Ibt = f.Ibt && !Off(CpuidFlags.Ibt),
            AmxTile = f.AmxTile && !Off(CpuidFlags.AmxTile),
            ArchLbr = f.ArchLbr && !Off(CpuidFlags.ArchLbr),
        };
        // CPUID.(0xD,1).EAX: XSAVEOPT, XSAVEC, XGETBV1, XSAVES, XFD (bits 0-4).
        uint eaxOff = (Off(CpuidFlags.Xsaveopt) ? 1u : 0) | (Off(CpuidFlags.Xsavec) ? 2u : 0) | (Off(CpuidFlags.Xgetbv1) ? 4u : 0)
                      | (Off(CpuidFlags.Xsaves) ? 8u : 0) | (Off(CpuidFlags.Xfd) ? 16u : 0);
        var leaf = cpu.Leaf0D.ToDictionary(kv => kv.Key, kv => kv.Value);
        if (leaf.TryGetValue(1, out var sub1)) leaf[1] = sub1 with { Eax = sub1.Eax & ~eaxOff };
        return cpu with { Flags = flags, Leaf0D = leaf };
    }
}
