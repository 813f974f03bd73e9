using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// R64/R85 (the lost LOCKED bit): once a vCPU exists, ARCH_REQ_XCOMP_GUEST_PERM must fail with -EBUSY
/// (FPU_GUEST_PERM_LOCKED, set by fpu_alloc_guest_fpstate); here the request reports success though nothing changes.
/// </summary>
public sealed class GuestPermNotLocked(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:guest-perm-not-locked";
    public override string Description => "R64/R85: ARCH_REQ_XCOMP_GUEST_PERM after KVM_CREATE_VCPU returns 0 instead of -EBUSY";
    public override string Source => "x86/fpu: Prepare guest FPU for dynamically enabled FPU features (FPU_GUEST_PERM_LOCKED, 2022)";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            return op is ArchPrctlOp { Option: Uapi.ArchPrctl.ReqXcompGuestPerm } && outcome.Result == -(long)Errno.EBUSY
                ? outcome with { Result = 0 }
                : outcome;
        }
    }
}
