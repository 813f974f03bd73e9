using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// H21 (R35): APX reuses MPX's 960.. region, so a CPU (or a hypervisor's CPUID) enumerating both must not get XSAVE at
/// all. Put back: the conflict check missing, the kernel boots with XSAVE and leaves APX out as kernels before APX
/// support did (they never looked at component 19).
/// </summary>
public sealed class ApxMpxConflictUnchecked(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h21-apx-mpx-conflict-unchecked";
    public override string Description => "H21/R35: a CPU enumerating both APX and MPX keeps XSAVE (APX ignored) instead of disabling it";
    public override string Source => "x86/fpu APX enabling (Chang S. Bae, 6.16): 'Both APX/MPX present in the CPU's xstate features' disables XSAVE (fpu__init_system_xstate), H21";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) =>
        Inner.Boot(cpu.SupportedXcr0.Contains(XFeature.Apx) && cpu.SupportedXcr0.Overlaps(ArchMasks.Mpx) ? WithoutApx(cpu) : cpu, config);

    /// <summary>The CPU as a kernel that does not know APX sees it: no sub-leaf 19, bit 19 clear in (0xD,0).EAX.</summary>
    private static CpuModel WithoutApx(CpuModel cpu)
    {
        const int Apx = (int)XFeature.Apx;
        var leaf = cpu.Leaf0D.Where(kv => kv.Key != Apx).ToDictionary(kv => kv.Key, kv => kv.Value);
        var s0 = leaf[0];
        leaf[0] = s0 with { Eax = s0.Eax & ~(1u << Apx) };
        return cpu with { Leaf0D = leaf, Flags = cpu.Flags with { Apx = false } };
    }
}
