using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// R64 (supervisor bits leaking into a GET result): ARCH_GET_XCOMP_GUEST_PERM reports the guest permission as stored,
/// supervisor bits included — CET_KERNEL, which the merged CET design puts in every guest permission — instead of
/// masking it with XFEATURE_MASK_USER_SUPPORTED (KO §2 measures the mask: 0xe7, not 0x10e7).
/// </summary>
public sealed class GuestPermGetLeaksSupervisor(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:guest-perm-get-leaks-supervisor";
    public override string Description => "R64: ARCH_GET_XCOMP_GUEST_PERM reports supervisor bits (CET_KERNEL) of the guest permission";
    public override string Source => "arch/x86/kernel/fpu/xstate.c fpu_xstate_prctl: 'permitted &= XFEATURE_MASK_USER_SUPPORTED' (CET series, I8)";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            if (op is not ArchPrctlOp { Option: Uapi.ArchPrctl.GetXcompGuestPerm, BadPointer: false } get || outcome.Result != 0) return outcome;
            var stored = Inner.Snapshot()?.Processes.FirstOrDefault(p => p.Pid == get.Pid)?.GuestPerm.StatePerm;
            return stored is { } perm ? outcome with { Value = (outcome.Value ?? 0) | (perm.Bits & ~(1UL << 63)) } : outcome;
        }
    }
}
