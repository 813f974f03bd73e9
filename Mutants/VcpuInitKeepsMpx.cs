using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R91 (INIT clearing too little): an INIT leaves the MPX components (BNDREGS, BNDCSR) as they were; the SDM's INIT
/// table and kvm_xstate_reset(init_event) initialise them. Put back through the contract: the image from before the
/// INIT is written again when it held MPX state.
/// </summary>
public sealed class VcpuInitKeepsMpx(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:init-keeps-mpx";
    public override string Description => "R91: vCPU INIT keeps the MPX state it must initialise";
    public override string Source => "KVM: x86: Reset MPX/CET state on INIT (kvm_xstate_reset, fpu_reset_guest_fpstate features), SDM 'INIT' table";

    private static readonly FeatureMask Mpx = FeatureMask.Bit(3) | FeatureMask.Bit(4);

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            if (op is not VcpuInitOp init) return Inner.Apply(op);
            var before = Inner.Apply(new GetXsave2Op(init.Vcpu, 1 << 16));
            var outcome = Inner.Apply(op);
            if (outcome.Result != 0 || before is not { Result: 0, Data: { Length: >= XsaveImage.MinimumSize } image }) return outcome;
            if ((XsaveImage.Read(image).XstateBv!.Value & Mpx.Bits) == 0) return outcome;
            int size = Inner.Snapshot()?.Vcpus.FirstOrDefault(v => v.Id == init.Vcpu)?.UabiSize is { } u ? (int)u : Uapi.KvmXsaveSize;
            Inner.Apply(new SetXsaveOp(init.Vcpu, image[..Math.Min(image.Length, Math.Max(size, Uapi.KvmXsaveSize))]));
            return outcome;
        }
    }
}
