using Xsave.Contract;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>How sigreturn ended for the FPU part of the frame.</summary>
public enum SigreturnOutcome
{
    /// <summary>The frame was restored with XRSTOR (sw_reserved valid).</summary>
    Restored,
    /// <summary>sw_reserved or magic2 did not check out: only the FXSAVE image was restored, the rest initialised.</summary>
    RestoredFxOnly,
    /// <summary>The restore faulted: user FPU state reset to init and the task gets SIGSEGV (KO §6a "killed").</summary>
    FailedSigsegv,
}

/// <summary>The outcome and, for failures, the fault that caused it.</summary>
public sealed record SigreturnResult(SigreturnOutcome Outcome, string? Fault = null);

/// <summary>
/// R72 sigreturn, 64-bit frames (__fpu_restore_sig, restore_fpregs_from_user): the task's registers are restored
/// straight from the user frame. Measured table: KO §6a.
/// </summary>
public static class SigReturn
{
    /// <summary>The PKRU value Linux gives tasks by default (init_pkru_value: every key but 0 access-disabled).</summary>
    public const uint InitPkruValue = 0x55555554;

    public static SigreturnResult Restore(BootResult boot, Fpstate fps, PkruHolder pkru, byte[] frame)
    {
        // Without XSAVE the frame is a plain FXSAVE image (use_fxsr); only x87 and SSE exist.
        if (!boot.XsaveEnabled)
        {
            var fxFault = SigframeXrstor.Fxrstor(boot, fps, frame);
            return fxFault is null ? new(SigreturnOutcome.Restored) : Fail(boot, fps, pkru, fxFault);
        }

        // check_xstate_in_sigframe: a frame that cannot even be read is a failure.
        if (frame.Length < LegacyRegion.SwReserved + FpxSwBytes.Size) return Fail(boot, fps, pkru, "#PF: sw_reserved unreadable");
        var sw = FpxSwBytes.Read(frame);
        bool fxOnly = false;
        var userXfeatures = sw.Xfeatures;

        // R72: magic1 and the sizes must be consistent, else fall back to an fx-only restore.
        bool swValid = sw.Magic1 == FpxSwBytes.FpXstateMagic1
            && sw.XstateSize >= XFeatures.ExtendedRegionStart
            && sw.XstateSize <= fps.UserSize
            && sw.XstateSize <= sw.ExtendedSize;
        if (swValid)
        {
            // R72: magic2 must follow the xstate area (reading it may fault).
            if (sw.XstateSize + FpxSwBytes.Magic2Size > (uint)frame.Length)
                return Fail(boot, fps, pkru, "#PF: magic2 unreadable");
            swValid = BitConverter.ToUInt32(frame, (int)sw.XstateSize) == FpxSwBytes.FpXstateMagic2;
        }
        if (!swValid)
        {
            fxOnly = true;
            userXfeatures = XfeatureMasks.FpSse;
        }

        // R72 restore_fpregs_from_user: restore only enabled features; the task's other user features are initialised.
        var xrestore = userXfeatures & fps.UserXfeatures;
        var initBv = fps.UserXfeatures & ~xrestore;

        var fault = fxOnly ? SigframeXrstor.Fxrstor(boot, fps, frame) : SigframeXrstor.Xrstor(boot, fps, frame, xrestore);
        if (fault is not null) return Fail(boot, fps, pkru, fault);

        // The XRSTOR may have loaded PKRU from the frame: that is now the task's PKRU register.
        if (xrestore.Contains(XFeature.Pkru) && !fxOnly) pkru.Value = CurrentPkru(boot, fps);

        // os_xrstor(&init_fpstate, init_bv): XSTATE_BV of init_fpstate is 0, so every feature in init_bv goes to init.
        InitFromInitFpstate(boot, fps, pkru, initBv);

        // Supervisor states come back from the kernel buffer, which this model never changed.
        return new(fxOnly ? SigreturnOutcome.RestoredFxOnly : SigreturnOutcome.Restored);
    }

    /// <summary>
    /// Any failure -> fpu__clear_user_states: every USER_RESTORE feature from init_fpstate, PKRU to the default
    /// value; sigreturn then delivers SIGSEGV.
    /// </summary>
    private static SigreturnResult Fail(BootResult boot, Fpstate fps, PkruHolder pkru, string fault)
    {
        ClearUserStates(boot, fps, pkru);
        return new(SigreturnOutcome.FailedSigsegv, fault);
    }

    /// <summary>
    /// fpu__clear_user_states (fpu/core.c), also what a signal handler starts with (handle_signal):
    /// restore_fpregs_from_init_fpstate(XFEATURE_MASK_USER_RESTORE) puts every user state but PKRU in its init
    /// configuration (FCW 0x37F, MXCSR 0x1F80: H15), and pkru_write_default loads init_pkru_value with OSPKE, which
    /// the task's saved state shows (R61a). Supervisor states are left alone (H16).
    /// </summary>
    public static void ClearUserStates(BootResult boot, Fpstate fps, PkruHolder pkru)
    {
        // restore_fpregs_from_init_fpstate: only the XSAVE branch (os_xrstor) uses the mask. Without XSAVE the task's
        // fpstate xfeatures are 0 (kernel default features, R43/R44), yet the kernel resets x87/SSE all the same.
        if (boot.XsaveEnabled) InitFromInitFpstate(boot, fps, pkru, XfeatureMasks.UserRestore & fps.Xfeatures);
        else RestoreLegacyInitFpstate(boot, fps);
        if (!boot.Caps.Has(CpuCap.Ospke)) return;
        pkru.Value = InitPkruValue;
        Process.TaskPkru.Save(boot, fps, InitPkruValue);
    }

    /// <summary>
    /// os_xrstor(&amp;init_fpstate, mask): every component of mask &amp; XCR0 initialised; MXCSR back to 0x1F80 when the
    /// restore touches it (standard form: SSE or YMM in RFBM, R23; compacted: SSE in RFBM, R24).
    /// </summary>
    private static void InitFromInitFpstate(BootResult boot, Fpstate fps, PkruHolder pkru, FeatureMask mask)
    {
        // Only reached with XSAVE (the legacy reset is RestoreLegacyInitFpstate): RFBM = mask & XCR0.
        var rfbm = mask & boot.Xcr0;
        foreach (int i in rfbm.Indices()) TaskRegisters.Initialize(boot, fps, i);
        bool mxcsrTouched = boot.Compacted
            ? rfbm.Contains(XFeature.Sse)
            : rfbm.Contains(XFeature.Sse) || rfbm.Contains(XFeature.Ymm);
        if (mxcsrTouched) TaskRegisters.SetMxcsr(boot, fps, LegacyRegion.InitMxcsr);
        if (rfbm.Contains(XFeature.Pkru)) pkru.Value = 0;
    }

    /// <summary>
    /// restore_fpregs_from_init_fpstate without XSAVE (fpu/core.c), whatever the mask: fxrstor(&amp;init_fpstate.regs.fxsave)
    /// with FXSR — x87, MXCSR and XMM0-15 from the image fpstate_init_fxstate left (FCW 0x37F, MXCSR 0x1F80, the rest
    /// zero: every tag empty, R17) — else frstor(&amp;init_fpstate.regs.fsave), x87 only, from fpstate_init_fstate's words.
    /// </summary>
    private static void RestoreLegacyInitFpstate(BootResult boot, Fpstate fps)
    {
        var image = boot.InitFpstate.Regs;
        if (!boot.Caps.Has(CpuCap.Fxsr))
        {
            // FRSTOR: the task's buffer is itself an FSAVE image (R43); FRSTOR has no SSE state to touch. Unreached by
            // the contract today: signals run on 64-bit kernels only, and those need FXSR (verify_cpu).
            image.AsSpan(0, (int)LegacyFpu.FregsStateSize).CopyTo(fps.Regs);
            return;
        }
        TaskRegisters.Load(boot, fps, (int)XFeature.Fp, image.AsSpan(0, UabiLayout.Size(boot.Cpu, (int)XFeature.Fp)));
        TaskRegisters.Load(boot, fps, (int)XFeature.Sse, image.AsSpan(LegacyRegion.XmmRegisters, UabiLayout.Size(boot.Cpu, (int)XFeature.Sse)));
        TaskRegisters.SetMxcsr(boot, fps, BitConverter.ToUInt32(image, LegacyRegion.Mxcsr));
    }

    private static uint CurrentPkru(BootResult boot, Fpstate fps)
    {
        // A PKRU sub-leaf shorter than 4 bytes (corrupt dumps) leaves the missing bytes zero.
        var image = TaskRegisters.Component(boot, fps, (int)XFeature.Pkru);
        var value = new byte[4];
        image.AsSpan(0, Math.Min(4, image.Length)).CopyTo(value);
        return BitConverter.ToUInt32(value);
    }
}
