using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// H25 (R87): the shared misreading before issue 11 — the kernel-mode #NM of KVM_RUN's restore is recorded and the
/// ioctl carries on, as if the VMM thread survived; no death is reported and the later destroy does not WARN.
/// </summary>
public sealed class XfdNmSurvived(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h25-xfd-nm-survived";
    public override string Description => "H25/R87: a kernel-mode XFD #NM in KVM_RUN is survived (no dead thread, no WARN at destroy)";
    public override string Source => "CVE-2026-23005: fpu_update_guest_xfd masks XSTATE_BV under TIF_NEED_FPU_LOAD (Jan 2026), H25";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            return outcome.Signal is KernelSignal.ThreadDied or KernelSignal.Warn ? outcome with { Signal = null } : outcome;
        }
    }
}
