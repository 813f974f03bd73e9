using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// H15 put back ("x86/fpu: Make init_fpstate correct with optimized XSAVE"): the init image saved with the init
/// optimization lacked FCW = 0x37F and MXCSR = 0x1F80, so a frame of a thread whose x87/SSE state is in its init
/// configuration carries FCW 0 and MXCSR 0 — and sigreturn loads them (every x87 exception unmasked).
/// </summary>
public sealed class SigframeInitValuesZero(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h15-sigframe-init-values-zero";
    public override string Description => "H15: init x87/SSE state reaches the signal frame as FCW 0 / MXCSR 0 instead of 0x37F / 0x1F80";
    public override string Source => "x86/fpu: Make init_fpstate correct with optimized XSAVE (tglx, June 2021), H15";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : SigframeDecorator(inner)
    {
        protected override byte[] Deliver(SignalDeliverOp op, byte[] frame)
        {
            if (frame.Length < XsaveImage.MxcsrOffset + 4) return frame;
            if (BinaryPrimitives.ReadUInt16LittleEndian(frame) == MachineState.InitFcw) BinaryPrimitives.WriteUInt16LittleEndian(frame, 0);
            if (BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(XsaveImage.MxcsrOffset)) == MachineState.InitMxcsr)
                BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(XsaveImage.MxcsrOffset), 0);
            return frame;
        }
    }
}
