using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Xsave.Contract;
using Xsave.Contract.Machine;
using Xsave.Optimized.Architecture;
using Xsave.Optimized.Architecture.Instructions;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Signal;

/// <summary>
/// rt_sigreturn's FPU part for a 64-bit task (SPEC R72): fpu__restore_sig → __fpu_restore_sig →
/// restore_fpregs_from_user. The kernel checks only the software bytes (check_xstate_in_sigframe) and hands the frame
/// to XRSTOR (or FXRSTOR for an fx-only frame); the CPU's own checks decide the rest (KO §6a), so the instruction is
/// this implementation's XRSTOR (<see cref="Restore"/>). Any failure resets the user states (fpu__clear_user_states).
/// </summary>
public static class SigRestore
{
    private const ulong SseBit = 1UL << Xfeatures.Sse, YmmBit = 1UL << Xfeatures.Ymm, PkruBit = 1UL << Xfeatures.Pkru;

    /// <summary>init_pkru_value (mm/pkeys.c).</summary>
    private const uint InitPkruValue = 0x5555_5554;

    private static readonly ConditionalWeakTable<BootTables, CpuFacts> Facts = new();

    /// <summary>Restores <paramref name="thread"/>'s registers from <paramref name="frame"/>; false: the restore failed
    /// (the caller sends SIGSEGV) and the user states were reset.</summary>
    public static bool Restore(BootTables b, TaskThread thread, byte[] frame)
    {
        var fps = thread.Own;
        if (!b.XsaveEnabled) return Fxrstor(b, fps, frame) || Failed(b, thread);

        // check_xstate_in_sigframe: the sw bytes must be readable; magic1 and sane sizes, then magic2 at xstate_size
        // (which must be readable too); otherwise the frame is taken as a plain FXSAVE image.
        if (frame.Length < Xfeatures.LegacyRegionSize) return Failed(b, thread);
        var f = frame.AsSpan();
        uint magic1 = BinaryPrimitives.ReadUInt32LittleEndian(f[SigFrame.SwMagic1..]);
        uint extended = BinaryPrimitives.ReadUInt32LittleEndian(f[SigFrame.SwExtendedSize..]);
        ulong swFeatures = BinaryPrimitives.ReadUInt64LittleEndian(f[SigFrame.SwXfeatures..]);
        uint xstateSize = BinaryPrimitives.ReadUInt32LittleEndian(f[SigFrame.SwXstateSize..]);
        bool fxOnly = magic1 != SigFrame.FpXstateMagic1 || xstateSize < Xfeatures.XregsStateSize
            || xstateSize > fps.UserSize || xstateSize > extended;
        if (!fxOnly)
        {
            if ((long)xstateSize + SigFrame.Magic2Size > frame.Length) return Failed(b, thread);
            fxOnly = BinaryPrimitives.ReadUInt32LittleEndian(f[(int)xstateSize..]) != SigFrame.FpXstateMagic2;
        }

        // restore_fpregs_from_user: only enabled features; the task's other user features go to init afterwards.
        ulong ufeatures = fxOnly ? Xfeatures.FpSse : swFeatures;
        ulong xrestore = ufeatures & fps.UserXfeatures;
        bool ok = fxOnly ? Fxrstor(b, fps, frame) : Xrstor(b, fps, frame, xrestore);
        if (!ok) return Failed(b, thread);

        // The XRSTOR loaded the PKRU register from the frame (or initialised it): that is thread.pkru now.
        if (!fxOnly && (xrestore & PkruBit) != 0) thread.Pkru = CurrentPkru(b, fps);
        InitStates(b, thread, fps.UserXfeatures & ~xrestore);
        return true;
    }

    /// <summary>fpu__clear_user_states: user states but PKRU from init_fpstate, PKRU = init_pkru_value with OSPKE.</summary>
    public static void ClearUserStates(BootTables b, TaskThread thread)
    {
        var fps = thread.Own;
        // restore_fpregs_from_init_fpstate(XFEATURE_MASK_USER_RESTORE): the mask reaches only os_xrstor; without XSAVE
        // fps.Xfeatures is 0 but fxrstor/frstor of init_fpstate resets the legacy state regardless (fpu/core.c).
        if (b.XsaveEnabled) InitStates(b, thread, (Xfeatures.UserSupported & ~PkruBit) & fps.Xfeatures);
        else LegacyInit(b, fps);
        if (!b.Has(CpuCaps.Ospke)) return;
        thread.Pkru = InitPkruValue;
        TaskPkru.Write(b, thread, InitPkruValue);
    }

    private static bool Failed(BootTables b, TaskThread thread)
    {
        ClearUserStates(b, thread);
        return false;
    }

    /// <summary>
    /// os_xrstor(&amp;init_fpstate, mask), init_fpstate's XSTATE_BV being 0: every component of the mask initialised,
    /// MXCSR = 0x1F80 when the restore covers it (compacted: SSE; standard: SSE or YMM), PKRU = 0 when PKRU is in the
    /// mask. XSAVE kernels only (the legacy reset is <see cref="LegacyInit"/>).
    /// </summary>
    private static void InitStates(BootTables b, TaskThread thread, ulong mask)
    {
        var fps = thread.Own;
        ulong rfbm = mask & b.Xcr0;
        for (ulong m = rfbm; m != 0; m &= m - 1) TaskRegs.Initialize(b, fps, System.Numerics.BitOperations.TrailingZeroCount(m));
        bool mxcsr = b.Compacted ? (rfbm & SseBit) != 0 : (rfbm & (SseBit | YmmBit)) != 0;
        if (mxcsr) TaskRegs.SetMxcsr(b, fps, Xfeatures.InitMxcsr);
        if ((rfbm & PkruBit) != 0) thread.Pkru = 0;
    }

    /// <summary>
    /// restore_fpregs_from_init_fpstate without XSAVE: with FXSR, FXRSTOR of init_fpstate's FXSAVE image (x87 init: FCW
    /// 0x37F, tags empty; XMM zero; MXCSR 0x1F80); without, FRSTOR of its FSAVE image, which holds no SSE state.
    /// </summary>
    private static void LegacyInit(BootTables b, Fpstate fps)
    {
        if (!b.Has(CpuCaps.Fxsr))
        {
            // The fpstate is an fregs_state here (R43); a 64-bit kernel never gets here (it needs FXSR).
            b.InitFpstateRegs.AsSpan(0, (int)BootTables.FregsSize).CopyTo(fps.Regs);
            return;
        }
        TaskRegs.Initialize(b, fps, Xfeatures.Fp);
        TaskRegs.Initialize(b, fps, Xfeatures.Sse);
        TaskRegs.SetMxcsr(b, fps, Xfeatures.InitMxcsr);
    }

    /// <summary>
    /// FXRSTOR of the legacy region: #GP on MXCSR bits outside the CPU's MXCSR_MASK, #PF past the frame. A frame shorter
    /// than 512 bytes stands for one whose user mapping ends there: the m512byte operand does not fit (SDM FXRSTOR; AMD
    /// family 19h faults even when only bytes 464..511 are missing), and the kernel's fault_in_readable of user_size
    /// bytes after the #PF fails as well (restore_fpregs_from_user), so the restore fails.
    /// </summary>
    private static bool Fxrstor(BootTables b, Fpstate fps, byte[] frame)
    {
        if (frame.Length < Xfeatures.LegacyRegionSize) return false;
        uint mxcsr = BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(Xfeatures.MxcsrOffset));
        if ((mxcsr & ~b.Cpu.MxcsrMask) != 0) return false;
        TaskRegs.Load(b, fps, Xfeatures.Fp, frame.AsSpan(0, Xfeatures.XmmSpaceOffset));
        TaskRegs.Load(b, fps, Xfeatures.Sse, frame.AsSpan(Xfeatures.XmmSpaceOffset, 256));
        TaskRegs.SetMxcsr(b, fps, mxcsr);
        return true;
    }

    /// <summary>
    /// XRSTOR from the user frame with EDX:EAX = <paramref name="xrestore"/>, the CPU in user mode with the kernel's
    /// XCR0 and no XFD armed for the task's features: the instruction decides (header, MXCSR, #PF); its loaded
    /// components and MXCSR are then carried onto the task.
    /// </summary>
    private static bool Xrstor(BootTables b, Fpstate fps, byte[] frame, ulong xrestore)
    {
        var facts = Facts.GetValue(b, t => new CpuFacts(t.Tables));
        var cpu = MachineState.Init(b.Cpu) with { Xcr0 = new FeatureMask(b.Xcr0), Cpl = 3 };
        var outcome = Architecture.Instructions.Restore.Xrstor(facts, cpu, xrestore, XsaveBuffer.From(frame, address: 0));
        if (outcome.Fault is not null) return false;

        var f = frame.AsSpan();
        ulong rfbm = xrestore & b.Xcr0;
        ulong load = rfbm & BinaryPrimitives.ReadUInt64LittleEndian(f[Xfeatures.XstateBvOffset..]);
        bool compacted = (BinaryPrimitives.ReadUInt64LittleEndian(f[Xfeatures.XcompBvOffset..]) & Xfeatures.CompactedFormat) != 0;
        for (ulong m = rfbm; m != 0; m &= m - 1)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(m);
            if ((load & 1UL << i) == 0) TaskRegs.Initialize(b, fps, i);
            else TaskRegs.Load(b, fps, i, outcome.State.HasComponent(i) ? outcome.State.Component(i).AsSpan() : default);
        }

        // MXCSR: standard form loads it whenever RFBM has SSE or YMM; compacted form with SSE: loaded or 0x1F80.
        if (!compacted ? (rfbm & (SseBit | YmmBit)) != 0 : (rfbm & SseBit) != 0)
            TaskRegs.SetMxcsr(b, fps, outcome.State.Mxcsr);
        return true;
    }

    private static uint CurrentPkru(BootTables b, Fpstate fps)
    {
        Span<byte> pkru = stackalloc byte[Math.Max(4, b.UabiSize(Xfeatures.Pkru))];
        TaskRegs.Read(b, fps, Xfeatures.Pkru, pkru[..b.UabiSize(Xfeatures.Pkru)]);
        return BinaryPrimitives.ReadUInt32LittleEndian(pkru);
    }
}
