using System.Buffers.Binary;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Signal;

/// <summary>
/// Signal delivery to a 64-bit task, FPU part (SPEC R72): get_sigframe's math frame (fpu__alloc_mathframe), the
/// frame contents (copy_fpstate_to_sigframe: xsave_to_user_sigframe, update_pkru_in_sigframe, save_xstate_epilog),
/// and the handler's fresh state (handle_signal → fpu__clear_user_states). KO §6a is the measured frame.
/// </summary>
public static class SigFrame
{
    public const uint FpXstateMagic1 = 0x4650_5853, FpXstateMagic2 = 0x4650_5845;
    public const int Magic2Size = 4;

    /// <summary>_fpx_sw_bytes fields inside the legacy region's software-reserved bytes.</summary>
    public const int SwMagic1 = Xfeatures.SwReservedOffset, SwExtendedSize = SwMagic1 + 4, SwXfeatures = SwMagic1 + 8, SwXstateSize = SwMagic1 + 16;

    /// <summary>XFEATURE_MASK_SIGFRAME_INITOPT: left out of the frame while in init state, with dynamic sizing.</summary>
    private const ulong SigframeInitOpt = Xfeatures.Xtile | Xfeatures.UserDynamic;

    private const ulong PkruBit = 1UL << Xfeatures.Pkru;

    /// <summary>sizeof(struct rt_sigframe), 64-bit.</summary>
    private const long RtSigframeSize = 440;

    /// <summary>xstate_sigframe_size: user_size, plus magic2 with XSAVE.</summary>
    public static int FrameSize(BootTables b, Fpstate fps) => (int)fps.UserSize + (b.XsaveEnabled ? Magic2Size : 0);

    /// <summary>
    /// get_sigframe entering an alternate stack of <paramref name="size"/> bytes (64-byte-aligned base assumed): math
    /// frame rounded down to 64 below the top, rt_sigframe below, sp rounded to 16 minus 8; it fits iff sp is above the
    /// base (__on_sig_stack).
    /// </summary>
    public static bool FitsAltstack(BootTables b, Fpstate fps, ulong size)
    {
        // Offsets from the stack base; the top is base + size.
        long mathFrame = ((long)size - FrameSize(b, fps)) & ~63L;
        long sp = ((mathFrame - RtSigframeSize) & ~15L) - 8;
        return sp > 0;
    }

    /// <summary>
    /// Delivers a signal to <paramref name="thread"/>: null when <paramref name="onAltstack"/> and its sigaltstack is
    /// too small (nothing written); else the frame bytes (also left on the thread's stack) and the thread's user
    /// states reset for the handler.
    /// </summary>
    public static byte[]? Deliver(BootTables b, TaskThread thread, bool onAltstack)
    {
        var fps = thread.Own;
        if (onAltstack && thread.SigaltstackSize != 0 && !FitsAltstack(b, fps, thread.SigaltstackSize)) return null;

        var frame = new byte[FrameSize(b, fps)];
        Write(b, fps, thread.Pkru, frame);
        thread.SignalFrame = frame;
        SigRestore.ClearUserStates(b, thread);
        return (byte[])frame.Clone();
    }

    /// <summary>copy_fpstate_to_sigframe into a zeroed frame.</summary>
    private static void Write(BootTables b, Fpstate fps, uint pkru, Span<byte> frame)
    {
        int userSize = (int)fps.UserSize;
        if (!b.XsaveEnabled)
        {
            // fxsave_to_user_sigframe, then the sw bytes; no header, no magic2.
            Save(b, fps, frame, Xfeatures.FpSse);
            SwBytes(fps, frame, userSize);
            return;
        }

        // The header was cleared before XSAVE (its reserved bytes are zero); XSAVE's RFBM is user_xfeatures, minus the
        // init-state AMX components when sizes are dynamic.
        ulong xinuse = TaskRegs.InUse(b, fps);
        ulong mask = fps.UserXfeatures;
        if (b.DynamicSizing) mask &= xinuse | (Xfeatures.UserSupported & ~SigframeInitOpt);
        ulong rfbm = mask & b.Xcr0;
        Save(b, fps, frame, rfbm);
        ulong bv = xinuse & rfbm;

        // update_pkru_in_sigframe (H17): PKRU marked in use, the task's value written.
        if (b.Has(CpuCaps.Ospke))
        {
            bv = (mask & xinuse) | PkruBit;
            BinaryPrimitives.WriteUInt32LittleEndian(frame[b.UabiOffset(Xfeatures.Pkru)..], pkru);
        }

        // save_xstate_epilog: sw bytes, magic2 at user_size, FP|SSE always set.
        SwBytes(fps, frame, userSize);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[userSize..], FpXstateMagic2);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[Xfeatures.XstateBvOffset..], bv | Xfeatures.FpSse);
    }

    /// <summary>Standard-form XSAVE of <paramref name="rfbm"/>: each component at its UABI offset, MXCSR with SSE or YMM.</summary>
    private static void Save(BootTables b, Fpstate fps, Span<byte> frame, ulong rfbm)
    {
        Span<byte> x87 = stackalloc byte[Xfeatures.XmmSpaceOffset];
        for (ulong m = rfbm; m != 0; m &= m - 1)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(m);
            int size = b.UabiSize(i);
            if (i == Xfeatures.Fp)
            {
                TaskRegs.Read(b, fps, i, x87);
                x87[..Xfeatures.MxcsrOffset].CopyTo(frame);
                x87[Xfeatures.StSpaceOffset..].CopyTo(frame[Xfeatures.StSpaceOffset..]);
                continue;
            }
            TaskRegs.Read(b, fps, i, frame.Slice(i == Xfeatures.Sse ? Xfeatures.XmmSpaceOffset : b.UabiOffset(i), size));
        }
        if ((rfbm & (1UL << Xfeatures.Sse | 1UL << Xfeatures.Ymm)) != 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(frame[Xfeatures.MxcsrOffset..], TaskRegs.Mxcsr(b, fps));
            BinaryPrimitives.WriteUInt32LittleEndian(frame[Xfeatures.MxcsrMaskOffset..], b.Cpu.MxcsrMask);
        }
    }

    /// <summary>save_sw_bytes for a 64-bit frame.</summary>
    private static void SwBytes(Fpstate fps, Span<byte> frame, int userSize)
    {
        frame.Slice(Xfeatures.SwReservedOffset, 48).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(frame[SwMagic1..], FpXstateMagic1);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[SwExtendedSize..], (uint)(userSize + Magic2Size));
        BinaryPrimitives.WriteUInt64LittleEndian(frame[SwXfeatures..], fps.UserXfeatures);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[SwXstateSize..], (uint)userSize);
    }
}
