using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// H6 (R89, I15): the kernel before CVE-2026-23005's fix — KVM_SET_XSAVE copies XSTATE_BV as given, so an image with
/// TILEDATA set while the guest's IA32_XFD disables it leaves XSTATE_BV ∩ XFD ≠ ∅ in the guest fpstate (the bytes
/// too): KVM_GET_XSAVE2 hands them back, and the next KVM_RUN's restore takes #NM in kernel mode and the VMM thread
/// dies (R87's consequences). Put back through the contract: the inner kernel is given the image with the guest's
/// XFD briefly 0, then the XFD value again by a host-initiated write, which (TIF_NEED_FPU_LOAD clear, R87) masks
/// nothing — exactly the unmasked state, and the inner kernel's own R87 model then says what follows.
/// </summary>
public sealed class SetXsaveKeepsXfdBits(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h6-set-xsave-keeps-xfd-bits";
    public override string Description => "H6/R89/I15: KVM_SET_XSAVE keeps XSTATE_BV[i] while the guest's XFD[i]=1 (no masking); the next KVM_RUN dies";
    public override string Source => "x86/fpu: Clear XSTATE_BV[i] in guest XSAVE state whenever XFD[i]=1 (Sean Christopherson/Paolo Bonzini, Jan 2026, stable 6.18.6, CVE-2026-23005), H6";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            if (op is not SetXsaveOp set || XsaveImage.Read(set.Image).XstateBv is not ulong bv) return Inner.Apply(op);
            // KVM_GET_MSRS(IA32_XFD) is host-initiated and side-effect free: fpstate.xfd, or -EIO/-EBADF on a dead VM
            // or closed fd (then the SET fails the same way on its own).
            var xfd = Inner.Apply(new GetMsrOp(set.Vcpu, Uapi.Msr.Ia32Xfd));
            if (xfd is not { Result: 1, Value: ulong armed } || (armed & bv) == 0) return Inner.Apply(op);

            Inner.Apply(new SetMsrOp(set.Vcpu, Uapi.Msr.Ia32Xfd, 0));
            var outcome = Inner.Apply(op);
            Inner.Apply(new SetMsrOp(set.Vcpu, Uapi.Msr.Ia32Xfd, armed));
            return outcome;
        }
    }
}
