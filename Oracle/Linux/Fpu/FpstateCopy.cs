using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// Moving register state between two kernel buffers of possibly different layouts. The model keeps a thread's live
/// registers in its active fpstate, so "save the registers into another buffer" is a component-wise copy.
/// </summary>
public static class FpstateCopy
{
    /// <summary>
    /// An XSAVE(S) of the state held in <paramref name="from"/> into <paramref name="to"/> with RFBM =
    /// to.xfeatures: the legacy region (x87, MXCSR, XMM) is written, XSTATE_BV := from.XSTATE_BV ∩ RFBM, and every
    /// extended component in that set is copied from its location in <paramref name="from"/> to its location in
    /// <paramref name="to"/>. XCOMP_BV of <paramref name="to"/> is left as initialised (= RFBM | bit 63, R52).
    /// Without XSAVE the FXSAVE/FNSAVE image is copied whole.
    /// </summary>
    public static void SaveInto(BootResult boot, Fpstate from, Fpstate to)
    {
        if (!boot.XsaveEnabled)
        {
            int n = Math.Min(from.Regs.Length, to.Regs.Length);
            from.Regs.AsSpan(0, n).CopyTo(to.Regs);
            return;
        }

        from.Regs.AsSpan(0, XFeatures.LegacyRegionSize).CopyTo(to.Regs);
        var saved = new FeatureMask(from.XstateBv) & to.Xfeatures;
        to.XstateBv = saved.Bits;
        foreach (int i in saved.Indices().Where(i => i >= 2))
        {
            int? src = XsaveAddress.Raw(boot, from, i);
            int? dst = XsaveAddress.Raw(boot, to, i);
            int size = XsaveAddress.Size(boot, i);
            if (src is null || dst is null || src + size > from.Regs.Length || dst + size > to.Regs.Length) continue;
            from.Regs.AsSpan(src.Value, size).CopyTo(to.Regs.AsSpan(dst.Value, size));
        }
    }
}
