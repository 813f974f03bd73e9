using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// R89/I16 (the uABI-size class of bugs, H5): KVM_GET_XSAVE copies the first 4096 bytes instead of refusing once the
/// guest's uABI size exceeds sizeof(struct kvm_xsave) — AMX state silently cut off.
/// </summary>
public sealed class GetXsaveIgnoresLimit(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:get-xsave-ignores-4k";
    public override string Description => "R89/H5: KVM_GET_XSAVE truncates to 4096 bytes instead of failing once uabi_size > 4096";
    public override string Source => "KVM: x86: Add KVM_CAP_XSAVE2 and KVM_GET_XSAVE2 (Jing Liu, 2022): KVM_GET_XSAVE fails once uabi_size > 4096, H5";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            if (op is not GetXsaveOp get || outcome.Result != -(long)Errno.EINVAL) return outcome;
            var whole = Inner.Apply(new GetXsave2Op(get.Vcpu, 1 << 16));
            return whole.Data is { Length: > 4096 } data ? new KernelOutcome(0, Data: data[..4096]) : outcome;
        }
    }
}
