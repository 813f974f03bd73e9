using Xsave.Contract;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// The restores sigreturn runs directly on the user's signal frame (R72): XRSTOR with EDX:EAX = the restore mask, and
/// FXRSTOR for the fx-only fallback. The kernel does no software check of the frame's header: the CPU's checks decide
/// (KO §6a: header byte 24 accepted, byte 16 refused, a compacted frame accepted). This is a small UABI-side model of
/// just those architectural checks and loads (R23, R24, R26) onto <see cref="TaskRegisters"/>; the architecture oracle's
/// instruction model (Oracle/Architecture/Instructions) was still being written when this was, so it is not used here.
/// A non-null result is the fault, which makes sigreturn fail.
/// </summary>
public static class SigframeXrstor
{
    /// <summary>XRSTOR of the frame with RFBM = <paramref name="edxEax"/> &amp; XCR0. Null = success.</summary>
    public static string? Xrstor(BootResult boot, Fpstate fps, byte[] frame, FeatureMask edxEax)
    {
        var cpu = boot.Cpu;
        var xcr0 = boot.Xcr0;
        var rfbm = edxEax & xcr0;

        if (frame.Length < XFeatures.ExtendedRegionStart) return "#PF: the header lies outside the frame";
        var xstateBv = new FeatureMask(BitConverter.ToUInt64(frame, LegacyRegion.XstateBv));
        var xcompBv = new FeatureMask(BitConverter.ToUInt64(frame, LegacyRegion.XcompBv));
        bool compacted = xcompBv.Contains(XFeatures.CompactedFormatBit);
        uint mxcsr = BitConverter.ToUInt32(frame, LegacyRegion.Mxcsr);
        bool mxcsrReserved = (mxcsr & ~cpu.MxcsrMask) != 0;

        Func<int, int> offsetOf;
        bool loadsMxcsr;
        if (!compacted)
        {
            // R23: XSTATE_BV must be within XCR0 (not just RFBM: KO §5d).
            if (!xstateBv.IsSubsetOf(xcr0)) return "#GP: R23 XSTATE_BV has bits outside XCR0";
            // R23: header bytes 8..23 (XCOMP_BV and the first reserved quadword) must be zero; 24..63 are not checked.
            if (!AllZero(frame, LegacyRegion.XcompBv, 16)) return "#GP: R23 header bytes 8..23 are not zero";
            // R23: MXCSR is loaded whenever RFBM[1] or RFBM[2], whatever XSTATE_BV says.
            loadsMxcsr = rfbm.Contains(XFeature.Sse) || rfbm.Contains(XFeature.Ymm);
            offsetOf = i => UabiLayout.Offset(cpu, i);
        }
        else
        {
            // R24: the compacted form needs XSAVEC, XCOMP_BV within XCR0, XSTATE_BV within XCOMP_BV, bytes 16..63 zero.
            if (!cpu.HasXsavec) return "#GP: R24 compacted form without XSAVEC";
            var components = xcompBv.Without(XFeatures.CompactedFormatBit);
            if (!components.IsSubsetOf(xcr0)) return "#GP: R24 XCOMP_BV has bits outside XCR0";
            if (!xstateBv.IsSubsetOf(components)) return "#GP: R24 XSTATE_BV has bits outside XCOMP_BV";
            if (!AllZero(frame, LegacyRegion.HeaderReserved, UabiHeader.ReservedSize)) return "#GP: R24 header bytes 16..63 are not zero";
            // R24: MXCSR is part of SSE here: read only when SSE is loaded.
            loadsMxcsr = rfbm.Contains(XFeature.Sse) && xstateBv.Contains(XFeature.Sse);
            var layout = CompactedLayout.For(cpu, xcompBv);
            offsetOf = i => i < 2 ? UabiLayout.Offset(cpu, i) : layout.Find(i)?.Offset ?? -1;
        }
        if (loadsMxcsr && mxcsrReserved) return "#GP: R23/R24 MXCSR reserved bits set";

        // Every byte read must be inside the frame (#PF otherwise, before any register changes in this model).
        foreach (int i in rfbm.Indices())
            if (xstateBv.Contains(i) && offsetOf(i) + UabiLayout.Size(cpu, i) > frame.Length)
                return $"#PF: component {i} lies outside the frame";

        // R26: components in RFBM are loaded (XSTATE_BV[i] = 1) or initialised; others are untouched.
        foreach (int i in rfbm.Indices())
        {
            if (xstateBv.Contains(i)) TaskRegisters.Load(boot, fps, i, frame.AsSpan(offsetOf(i), UabiLayout.Size(cpu, i)));
            else TaskRegisters.Initialize(boot, fps, i);
        }
        if (loadsMxcsr) TaskRegisters.SetMxcsr(boot, fps, mxcsr);
        else if (compacted && rfbm.Contains(XFeature.Sse)) TaskRegisters.SetMxcsr(boot, fps, LegacyRegion.InitMxcsr);
        return null;
    }

    /// <summary>FXRSTOR of the frame's legacy region: x87, MXCSR and XMM0-15 loaded; #GP on reserved MXCSR bits.</summary>
    public static string? Fxrstor(BootResult boot, Fpstate fps, byte[] frame)
    {
        if (frame.Length < LegacyRegion.SwReserved) return "#PF: the legacy region lies outside the frame";
        uint mxcsr = BitConverter.ToUInt32(frame, LegacyRegion.Mxcsr);
        if ((mxcsr & ~boot.Cpu.MxcsrMask) != 0) return "#GP: FXRSTOR MXCSR reserved bits set";

        TaskRegisters.Load(boot, fps, (int)XFeature.Fp, frame.AsSpan(0, UabiLayout.Size(boot.Cpu, 0)));
        TaskRegisters.Load(boot, fps, (int)XFeature.Sse, frame.AsSpan(LegacyRegion.XmmRegisters, UabiLayout.Size(boot.Cpu, 1)));
        TaskRegisters.SetMxcsr(boot, fps, mxcsr);
        return null;
    }

    private static bool AllZero(byte[] bytes, int offset, int count)
    {
        for (int k = offset; k < offset + count; k++)
            if (bytes[k] != 0) return false;
        return true;
    }
}
