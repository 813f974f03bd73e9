using Xsave.Contract;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// R72 signal delivery, 64-bit frames: the fpstate part of the frame (copy_fpstate_to_sigframe), xstate_sigframe_size
/// bytes at the 64-byte-aligned buf_fx. Conventions: the task's registers are its fpstate as <see cref="TaskRegisters"/>
/// reads it; <c>pkru</c> is the task's PKRU register. Measured layout: KO §6a.
/// </summary>
public static class SignalFrame
{
    /// <summary>Builds the frame; <paramref name="stackBefore"/> is what the user stack held there (bytes the kernel
    /// does not write stay as they were; zero if not given).</summary>
    public static byte[] Setup(BootResult boot, Fpstate fps, uint pkru, byte[]? stackBefore = null)
    {
        var cpu = boot.Cpu;
        int userSize = (int)fps.UserSize;
        // xstate_sigframe_size: user_size, + 4 for magic2 with XSAVE.
        var frame = new byte[boot.XsaveEnabled ? userSize + FpxSwBytes.Magic2Size : userSize];
        stackBefore?.AsSpan(0, Math.Min(stackBefore.Length, frame.Length)).CopyTo(frame);

        if (!boot.XsaveEnabled)
        {
            // copy_fpregs_to_sigframe without XSAVE: fxsave_to_user_sigframe, the 512-byte FXSAVE image.
            WriteComponents(boot, fps, frame, XfeatureMasks.FpSse);
            WriteSwBytes(fps, frame, userSize);
            return frame;
        }

        // R72: the header is cleared first so the reserved fields are zero.
        frame.AsSpan(LegacyRegion.XstateBv, XFeatures.HeaderSize).Clear();

        // R72: RFBM = user_xfeatures; with dynamic sizing, AMX left out when in init state (SIGFRAME_INITOPT,
        // xfeatures_need_sigframe_write).
        var mask = fps.UserXfeatures;
        var inUse = TaskRegisters.InUse(boot, fps);
        if (boot.DynamicSizing)
            mask &= inUse | (XfeatureMasks.UserSupported & ~XfeatureMasks.SigframeInitOpt);
        XsaveStandard(boot, fps, frame, mask, inUse);

        // R72, H17 (ae6012d72fa6, d1e420772cd1 update_pkru_in_sigframe): with OSPKE, XSTATE_BV := (mask & XINUSE) |
        // PKRU and the PKRU value written, so that sigreturn's XRSTOR loads the value the handler leaves there.
        if (boot.Caps.Has(CpuCap.Ospke))
        {
            var bv = (mask & boot.Xcr0 & inUse).With(XFeature.Pkru);
            BitConverter.TryWriteBytes(frame.AsSpan(LegacyRegion.XstateBv, 8), bv.Bits);
            BitConverter.TryWriteBytes(frame.AsSpan(cpu.StandardOffset((int)XFeature.Pkru), 4), pkru);
        }

        // R72 save_xstate_epilog: sw_reserved, magic2 after the xstate area, and FP|SSE forced into XSTATE_BV
        // (legacy programs that edit the FXSAVE image without touching the header).
        WriteSwBytes(fps, frame, userSize);
        BitConverter.TryWriteBytes(frame.AsSpan(userSize, 4), FpxSwBytes.FpXstateMagic2);
        uint low = BitConverter.ToUInt32(frame, LegacyRegion.XstateBv) | (uint)XfeatureMasks.FpSse.Bits;
        BitConverter.TryWriteBytes(frame.AsSpan(LegacyRegion.XstateBv, 4), low);
        return frame;
    }

    /// <summary>save_sw_bytes (64-bit frame): magic1, extended_size = user_size + 4, xfeatures = user_xfeatures,
    /// xstate_size = user_size, padding zero.</summary>
    private static void WriteSwBytes(Fpstate fps, byte[] frame, int userSize)
    {
        var sw = new FpxSwBytes(FpxSwBytes.FpXstateMagic1, (uint)(userSize + FpxSwBytes.Magic2Size), fps.UserXfeatures, (uint)userSize);
        sw.ToBytes().CopyTo(frame, LegacyRegion.SwReserved);
    }

    /// <summary>
    /// R19 user-mode XSAVE into the (zero-headed) frame: every component of RFBM = mask &amp; XCR0 written at its
    /// standard offset (init values when not in use), MXCSR and MXCSR_MASK when RFBM[1] or RFBM[2], XSTATE_BV :=
    /// (old &amp; ~RFBM) | (XINUSE &amp; RFBM). Host tasks never have XFD armed for their user_xfeatures (I7), so the
    /// XFD rule of R27 does not arise here.
    /// </summary>
    private static void XsaveStandard(BootResult boot, Fpstate fps, byte[] frame, FeatureMask mask, FeatureMask inUse)
    {
        var rfbm = mask & boot.Xcr0;
        WriteComponents(boot, fps, frame, rfbm);
        var old = new FeatureMask(BitConverter.ToUInt64(frame, LegacyRegion.XstateBv));
        var bv = old.Except(rfbm) | (inUse & rfbm);
        BitConverter.TryWriteBytes(frame.AsSpan(LegacyRegion.XstateBv, 8), bv.Bits);
    }

    /// <summary>The component images of <paramref name="rfbm"/> at their standard offsets, MXCSR with SSE or YMM.</summary>
    private static void WriteComponents(BootResult boot, Fpstate fps, byte[] frame, FeatureMask rfbm)
    {
        var cpu = boot.Cpu;
        foreach (int i in rfbm.Indices())
        {
            var image = TaskRegisters.Component(boot, fps, i);
            int offset = UabiLayout.Offset(cpu, i);
            if (i == (int)XFeature.Fp)
            {
                image.AsSpan(0, LegacyRegion.Mxcsr).CopyTo(frame.AsSpan(offset));
                image.AsSpan(LegacyRegion.StRegisters).CopyTo(frame.AsSpan(LegacyRegion.StRegisters));
            }
            else
            {
                image.CopyTo(frame, offset);
            }
        }
        if (rfbm.Contains(XFeature.Sse) || rfbm.Contains(XFeature.Ymm))
        {
            BitConverter.TryWriteBytes(frame.AsSpan(LegacyRegion.Mxcsr, 4), TaskRegisters.Mxcsr(boot, fps));
            BitConverter.TryWriteBytes(frame.AsSpan(LegacyRegion.MxcsrMask, 4), cpu.MxcsrMask);
        }
    }
}
