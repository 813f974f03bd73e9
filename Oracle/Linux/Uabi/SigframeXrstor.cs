using Xsave.Contract;
using Xsave.Contract.Machine;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// The restores sigreturn runs directly on the user's signal frame (R72): XRSTOR with EDX:EAX = the restore mask, and
/// FXRSTOR for the fx-only fallback. The kernel does no software check of the frame's header: the CPU's checks decide
/// (KO §6a: header byte 24 accepted, byte 16 refused, a compacted frame accepted). So the XRSTOR here is the
/// architecture oracle's (<see cref="XrstorSemantics"/>: header rules R23/R24, MXCSR reserved bits, #PF), and only its
/// effect is carried onto the task's registers (<see cref="TaskRegisters"/>, R26). A non-null result is the fault,
/// which makes sigreturn fail.
/// </summary>
public static class SigframeXrstor
{
    /// <summary>XRSTOR of the frame with RFBM = <paramref name="edxEax"/> &amp; XCR0. Null = success.</summary>
    public static string? Xrstor(BootResult boot, Fpstate fps, byte[] frame, FeatureMask edxEax)
    {
        // The CPU at sigreturn: user mode, XSAVE enabled, the kernel's XCR0. XFD stays clear: this model of the frame
        // restore has no XFD #NM path (R72 restores only features the task may use).
        var state = MachineState.Init(boot.Cpu) with { Xcr0 = boot.Xcr0, Cpl = 3 };
        var buffer = XsaveBuffer.From(frame, address: 0); // the kernel's sigframe is 64-byte aligned (R18)

        // R23/R24 header checks and MXCSR reserved bits (fault order steps 1-7).
        var check = XrstorSemantics.Check(boot.Cpu, state, edxEax, buffer);
        if (check.Plan is not { } plan) return check.Fault!.ToString();

        // Every byte read must be inside the frame (#PF, step 9) before any register changes.
        var outcome = XrstorSemantics.Complete(state, buffer, plan);
        if (outcome.Fault is { } pageFault) return pageFault.ToString();

        // R26: components in RFBM are loaded (XSTATE_BV[i] = 1) or initialised; others are untouched.
        foreach (int i in plan.Rfbm.Indices())
        {
            if (!plan.ToLoad.Contains(i)) TaskRegisters.Initialize(boot, fps, i);
            else if (outcome.State.HasComponent(i)) TaskRegisters.Load(boot, fps, i, outcome.State.Component(i).AsSpan());
            else TaskRegisters.Load(boot, fps, i, ReadOnlySpan<byte>.Empty); // a zero-size component (corrupt CPUID)
        }

        // R23/R24: MXCSR as the form decides.
        if (plan.Mxcsr == MxcsrAction.Load) TaskRegisters.SetMxcsr(boot, fps, outcome.State.Mxcsr);
        else if (plan.Mxcsr == MxcsrAction.Initialize) TaskRegisters.SetMxcsr(boot, fps, LegacyRegion.InitMxcsr);
        return null;
    }

    /// <summary>
    /// FXRSTOR of the frame's legacy region: x87, MXCSR and XMM0-15 loaded; #GP on reserved MXCSR bits. The frame is
    /// all the user memory there is: a shorter buffer stands for a frame whose mapping ends after that many bytes.
    /// </summary>
    public static string? Fxrstor(BootResult boot, Fpstate fps, byte[] frame)
    {
        // The operand is m512byte, bytes 464..511 included, though FXRSTOR ignores their contents (SDM FXRSTOR;
        // measured on AMD family 19h: a mapping ending at 400..496 #PFs, docs/findings.md). The kernel adds no check:
        // fxrstor_from_user_sigframe runs the instruction on the frame and, after a #PF, fault_in_readable(buf,
        // user_size = 512) fails too, so __fpu_restore_sig fails (SIGSEGV).
        if (frame.Length < LegacyFpu.FxregsStateSize) return "#PF: the 512-byte FXRSTOR operand runs past the frame";
        // FXRSTOR's MXCSR check is XRSTOR's (#GP on bits outside MXCSR_MASK).
        if (XrstorSemantics.MxcsrFault(boot.Cpu, XsaveBuffer.From(frame), "FXRSTOR") is { } fault) return fault.ToString();
        uint mxcsr = BitConverter.ToUInt32(frame, LegacyRegion.Mxcsr);

        TaskRegisters.Load(boot, fps, (int)XFeature.Fp, frame.AsSpan(0, UabiLayout.Size(boot.Cpu, 0)));
        TaskRegisters.Load(boot, fps, (int)XFeature.Sse, frame.AsSpan(LegacyRegion.XmmRegisters, UabiLayout.Size(boot.Cpu, 1)));
        TaskRegisters.SetMxcsr(boot, fps, mxcsr);
        return null;
    }
}
