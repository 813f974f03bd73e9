using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R91 (INIT clearing too much; cf. H9's "clear MPX state only on INIT"): INIT is taken to reset the AVX and AVX-512
/// state as well as MPX/CET, though the SDM keeps them over INIT and kvm_xstate_reset zeroes only MPX and CET. Put back
/// through the contract: after each INIT the decorator reads the guest state (KVM_GET_XSAVE2) and writes it back
/// (KVM_SET_XSAVE) with YMM, opmask, ZMM_Hi256 and Hi16_ZMM in their init state.
/// </summary>
public sealed class InitClearsAvxRegisters(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:r91-init-clears-avx";
    public override string Description => "R91: INIT resets the AVX/AVX-512 registers (only MPX and CET should be cleared)";
    public override string Source => "kvm_xstate_reset(init_event): only MPX and CET are initialised on INIT (SDM INIT table), R91/H7";

    /// <summary>YMM, opmask, ZMM_Hi256, Hi16_ZMM.</summary>
    private const ulong Avx = 0xE4;

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config), cpu);

    private sealed class Broken(IKernel inner, CpuModel cpu) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            if (op is not VcpuInitOp init || outcome.Result != 0) return outcome;
            var size = Inner.Snapshot()?.Vcpus[init.Vcpu].UabiSize ?? Uapi.KvmXsaveSize;
            if (Inner.Apply(new GetXsave2Op(init.Vcpu, (int)size)).Data is not { Length: >= XsaveImage.MinimumSize } image) return outcome;
            ulong bv = BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(XsaveImage.XstateBvOffset));
            if ((bv & Avx) == 0) return outcome;
            foreach (int i in new FeatureMask(bv & Avx).Indices())
                image.AsSpan(cpu.StandardOffset(i), cpu.ComponentSize(i)).Clear();
            BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(XsaveImage.XstateBvOffset), bv & ~Avx);
            Inner.Apply(new SetXsaveOp(init.Vcpu, image));
            return outcome;
        }
    }
}
