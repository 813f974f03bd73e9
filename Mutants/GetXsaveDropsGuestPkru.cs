using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R86a, the misreading issue 11 found in both models (no H entry): the put is taken to leave PKRU out of the guest
/// fpstate, so KVM_GET_XSAVE(2) has no PKRU bit after KVM_RUN and the guest's WRPKRU is lost from user space.
/// </summary>
public sealed class GetXsaveDropsGuestPkru(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:r86a-get-xsave-drops-pkru";
    public override string Description => "R86a: KVM_GET_XSAVE(2) after KVM_RUN reports no PKRU (the guest's WRPKRU is lost)";
    public override string Source => "kvm_vcpu_ioctl_x86_get_xsave2 passes vcpu->arch.pkru (arch/x86/kvm/x86.c), R86a; found by reading the source (issue 11)";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            if (op is not (GetXsaveOp or GetXsave2Op) || outcome.Data is not { Length: >= XsaveImage.MinimumSize } data) return outcome;
            var copy = (byte[])data.Clone();
            ulong bv = BitConverter.ToUInt64(copy, XsaveImage.XstateBvOffset) & ~(1UL << (int)XFeature.Pkru);
            BitConverter.TryWriteBytes(copy.AsSpan(XsaveImage.XstateBvOffset), bv);
            return outcome with { Data = copy };
        }
    }
}
