using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// H17 put back (before ae6012d72fa6 / d1e420772cd1): the signal frame's XSTATE_BV[PKRU] is what XSAVE's init
/// optimization left — clear while PKRU holds its init value 0 — so a PKRU the handler writes into the frame is
/// ignored by sigreturn's XRSTOR (PKRU goes to 0).
/// </summary>
public sealed class SigframePkruBitNotForced(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h17-sigframe-pkru-bit-not-forced";
    public override string Description => "H17: the signal frame's XSTATE_BV[PKRU] is not forced to 1 (clear while PKRU = 0)";
    public override string Source => "ae6012d72fa6 x86/pkeys: Ensure updated PKRU value is XRSTOR'd (Dec 2024) and d1e420772cd1 x86/pkeys: Simplify PKRU update in signal frame (2025), H17";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config), cpu);

    private sealed class Broken(IKernel inner, CpuModel cpu) : SigframeDecorator(inner)
    {
        private const int Pkru = (int)XFeature.Pkru;

        protected override byte[] Deliver(SignalDeliverOp op, byte[] frame)
        {
            if (!Boot.Xsave || !Boot.Xcr0.Contains(Pkru) || frame.Length < XsaveImage.MinimumSize) return frame;
            int at = cpu.StandardOffset(Pkru);
            if (at + 4 > frame.Length || BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(at)) != 0) return frame;
            ulong bv = BinaryPrimitives.ReadUInt64LittleEndian(frame.AsSpan(XsaveImage.XstateBvOffset));
            BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(XsaveImage.XstateBvOffset), bv & ~(1UL << Pkru));
            return frame;
        }
    }
}
