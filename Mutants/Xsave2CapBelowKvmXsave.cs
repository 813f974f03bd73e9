using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// R88: KVM_CHECK_EXTENSION(KVM_CAP_XSAVE2) returns the guest's uABI size as is, without raising it to
/// sizeof(struct kvm_xsave) = 4096; a VMM that allocates that many bytes for KVM_GET_XSAVE2 gets a short buffer.
/// </summary>
public sealed class Xsave2CapBelowKvmXsave(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:cap-xsave2-below-4k";
    public override string Description => "R88: KVM_CAP_XSAVE2 reports the uABI size even when it is below 4096";
    public override string Source => "KVM: x86: Add KVM_CAP_XSAVE2 (Jing Liu, 2022): 'if (r < sizeof(struct kvm_xsave)) r = sizeof(struct kvm_xsave)'";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            if (op is not KvmCheckExtensionOp { Capability: Uapi.KvmCap.Xsave2 } check || outcome.Result != Uapi.KvmXsaveSize) return outcome;
            var process = Inner.Snapshot()?.Processes.FirstOrDefault(p => p.Pid == check.Pid);
            return process is { GuestPerm.UserStateSize: > 0 and < Uapi.KvmXsaveSize } p ? outcome with { Result = p.GuestPerm.UserStateSize } : outcome;
        }
    }
}
