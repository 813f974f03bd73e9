using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// H18 (R69, R71): after the 5.14 fpstate rework PTRACE_SETREGSET NT_X86_XSTATE copied PKRU into the XSAVE buffer
/// only, while the task's PKRU lives in thread.pkru: a debugger's PKRU write was lost, and a clear XSTATE_BV[PKRU] did
/// not reset PKRU to 0 as XRSTOR would. Put back: after an accepted write the thread's PKRU is what it was before.
/// </summary>
public sealed class PtraceSetIgnoresPkru(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h18-ptrace-set-ignores-pkru";
    public override string Description => "H18/R69: PTRACE_SETREGSET leaves the tracee's PKRU as it was (value ignored, clear bit not emulated)";
    public override string Source => "Kyle Huey, 'x86/fpu: Allow PKRU to be (once again) written by ptrace.' and 'x86/fpu: Emulate XRSTOR's behavior if the xfeatures PKRU bit is not set' (6.2, stable 5.15.88), H18";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config), cpu);

    private sealed class Broken(IKernel inner, CpuModel cpu) : KernelDecorator(inner)
    {
        private const int Pkru = (int)XFeature.Pkru;

        public override KernelOutcome Apply(KernelOp op)
        {
            if (op is not PtraceSetXstateOp set || !cpu.SupportedXcr0.Contains(XFeature.Pkru)) return Inner.Apply(op);
            // PTRACE_GETREGSET first (it changes nothing): its PKRU is thread.pkru (R70: written from pkru_val, and
            // XSTATE_BV[PKRU] is clear only when PKRU is 0, XSAVE's init optimization).
            int full = (int)Math.Max(XsaveImage.MinimumSize, cpu.MaxStandardSize);
            var before = Inner.Apply(new PtraceGetXstateOp(set.Pid, set.Tid, full)).Data;
            var outcome = Inner.Apply(op);
            if (outcome.Result < 0 || before is null || before.Length < full) return outcome;
            ulong bv = BinaryPrimitives.ReadUInt64LittleEndian(before.AsSpan(XsaveImage.XstateBvOffset, 8));
            int at = cpu.StandardOffset(Pkru);
            uint old = (bv & (1UL << Pkru)) != 0 ? BinaryPrimitives.ReadUInt32LittleEndian(before.AsSpan(at, 4)) : 0;
            Inner.Apply(new WritePkruOp(set.Pid, set.Tid, old));
            return outcome;
        }
    }
}
