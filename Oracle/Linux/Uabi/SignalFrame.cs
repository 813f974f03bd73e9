using Xsave.Contract;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// R72 signal delivery, 64-bit frames: the fpstate part of the frame (copy_fpstate_to_sigframe), user_size + 4 bytes
/// at a 64-byte-aligned address. Conventions: the task's registers are its fpstate as <see cref="TaskRegisters"/> reads
/// it; <c>pkru</c> is the task's PKRU register. Measured layout: KO §6a.
/// </summary>
public static class SignalFrame
{
    /// <summary>Builds the frame; <paramref name="stackBefore"/> is what the user stack held there (bytes the kernel
    /// does not write stay as they were; zero if not given).</summary>
    public static byte[] Setup(BootResult boot, Fpstate fps, uint pkru, byte[]? stackBefore = null)
    {
        var cpu = boot.Cpu;
        int userSize = (int)fps.UserSize;
        var frame = new byte[userSize + FpxSwBytes.Magic2Size];
        stackBefore?.AsSpan(0, Math.Min(stackBefore.Length, frame.Length)).CopyTo(frame);

        // R72: the header is cleared first so the reserved fields are zero.
        frame.AsSpan(LegacyRegion.XstateBv, XFeatures.HeaderSize).Clear();

        // R72: RFBM = user_xfeatures; with dynamic sizing, AMX left out when in init state (SIGFRAME_INITOPT).
        var mask = fps.UserXfeatures;
        var inUse = TaskRegisters.InUse(boot, fps);
        if (boot.DynamicSizing)
            mask &= inUse | (XfeatureMasks.UserSupported & ~XfeatureMasks.SigframeInitOpt);
        XsaveStandard(boot, fps, frame, mask, inUse);

        // R72, H17: PKRU is written into the frame and marked in use so that sigreturn's XRSTOR loads it.
        if (boot.Caps.Has(CpuCap.Ospke))
        {
            var bv = new FeatureMask(BitConverter.ToUInt64(frame, LegacyRegion.XstateBv)).With(XFeature.Pkru);
            BitConverter.TryWriteBytes(frame.AsSpan(LegacyRegion.XstateBv, 8), bv.Bits);
            BitConverter.TryWriteBytes(frame.AsSpan(cpu.StandardOffset((int)XFeature.Pkru), 4), pkru);
        }

        // R72 save_xstate_epilog: sw_reserved, magic2 after the xstate area, and FP|SSE forced into the low 32 bits
        // of XSTATE_BV (legacy programs that edit the FXSAVE image without touching the header).
        var sw = new FpxSwBytes(FpxSwBytes.FpXstateMagic1, (uint)(userSize + FpxSwBytes.Magic2Size), fps.UserXfeatures, (uint)userSize);
        sw.ToBytes().CopyTo(frame, LegacyRegion.SwReserved);
        BitConverter.TryWriteBytes(frame.AsSpan(userSize, 4), FpxSwBytes.FpXstateMagic2);
        uint low = BitConverter.ToUInt32(frame, LegacyRegion.XstateBv) | (uint)XfeatureMasks.FpSse.Bits;
        BitConverter.TryWriteBytes(frame.AsSpan(LegacyRegion.XstateBv, 4), low);
        return frame;
    }

    /// <summary>
    /// R19 user-mode XSAVE into the (zero-headed) frame: every component of RFBM = mask &amp; XCR0 written at its
    /// standard offset (init values when not in use), MXCSR and MXCSR_MASK when RFBM[1] or RFBM[2], XSTATE_BV :=
    /// (old &amp; ~RFBM) | (XINUSE &amp; RFBM). Host tasks never have XFD armed for their user_xfeatures (I7), so the
    /// XFD rule of R27 does not arise here.
    /// </summary>
    private static void XsaveStandard(BootResult boot, Fpstate fps, byte[] frame, FeatureMask mask, FeatureMask inUse)
    {
        var cpu = boot.Cpu;
        var rfbm = mask & boot.Xcr0;
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
        var old = new FeatureMask(BitConverter.ToUInt64(frame, LegacyRegion.XstateBv));
        var bv = old.Except(rfbm) | (inUse & rfbm);
        BitConverter.TryWriteBytes(frame.AsSpan(LegacyRegion.XstateBv, 8), bv.Bits);
    }
}
