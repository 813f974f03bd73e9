using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// H24 (R78): the unfixed 6.14+ kernel, whose KVM_SET_CPUID2 after KVM_RUN compares against a stored table that
/// XSETBV only marked dirty, so the VMM's original table is refused with -EINVAL. The kernel variant the
/// implementation offers (<see cref="KernelConfig.CpuidSetRefreshesCurrent"/> off), passed off as the default.
/// </summary>
public sealed class CpuidStaleAfterRun(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h24-cpuid-stale-after-run";
    public override string Description => "H24/R78: KVM_SET_CPUID2 after KVM_RUN compares against the stale stored table (unfixed 6.14)";
    public override string Source => "KVM: x86: Apply runtime updates to current CPUID during KVM_SET_CPUID{,2} (Dec 2025, Cc stable; regression from 93da6af3ae56, H24)";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) =>
        Inner.Boot(cpu, config with { CpuidSetRefreshesCurrent = false });
}
