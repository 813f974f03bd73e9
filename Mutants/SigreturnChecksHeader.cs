using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R72 misread as R68: sigreturn validating the frame's header in software like PTRACE_SETREGSET (all 48 reserved
/// bytes zero). The kernel restores with XRSTOR straight from the user frame, and standard-form XRSTOR checks header
/// bytes 16..23 only: KO §6a measured header byte 24 = 1 accepted.
/// </summary>
public sealed class SigreturnChecksHeader(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:r72-sigreturn-checks-header";
    public override string Description => "R72: sigreturn refuses a frame whose header bytes 24..63 are not zero (XRSTOR does not check them)";
    public override string Source => "kernel/emulator mistake: ptrace's software header check (validate_user_xstate_header) applied to sigreturn, which restores with XRSTOR from the frame (KO §6a), R72";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : SigframeDecorator(inner)
    {
        private const int From = XsaveImage.XstateBvOffset + 24, To = XsaveImage.MinimumSize;

        protected override KernelOutcome Return(SigreturnOp op, byte[] frame)
        {
            bool compacted = frame.Length >= To && (frame[XsaveImage.XcompBvOffset + 7] & 0x80) != 0;
            if (!Boot.Xsave || compacted || frame.Length < To || !frame.AsSpan(From, To - From).ContainsAnyExcept((byte)0))
                return base.Return(op, frame);
            // Refused: a frame too short to hold sw_reserved makes the inner kernel fail and reset the user states.
            return base.Return(op, new byte[16]);
        }
    }
}
