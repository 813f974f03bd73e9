using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// H12 (R36, R40): the independent features (LBR) were kept whenever the ARCH_LBR flag was present, even when
/// CPUID(0xD,1) did not enumerate LBR for XSAVES, and written to IA32_XSS (#GP: "unchecked MSR access error" at boot).
/// Put back: on such a CPU a kernel that writes IA32_XSS puts LBR in it.
/// </summary>
public sealed class LbrInXssWithoutEnumeration(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h12-lbr-in-xss-without-enumeration";
    public override string Description => "H12/R36: IA32_XSS gets LBR whenever ARCH_LBR is present, though CPUID(0xD,1) does not enumerate it";
    public override string Source => "x86/fpu: Avoid writing LBR bit to IA32_XSS unless supported (Mitchell Levy, 2024, stable), H12";

    public override IKernel Boot(CpuModel cpu, KernelConfig config)
    {
        var kernel = Inner.Boot(cpu, config);
        bool quirk = cpu.Flags.ArchLbr && !cpu.SupportedXss.Contains(XFeature.Lbr);
        // Xss != 0: the kernel uses XSAVES and writes the MSR (R40).
        return quirk && !kernel.Boot.Failed && !kernel.Boot.Xss.IsEmpty ? new Broken(kernel) : kernel;
    }

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override BootSummary Boot => Inner.Boot with { Xss = Inner.Boot.Xss.With(XFeature.Lbr) };
    }
}
