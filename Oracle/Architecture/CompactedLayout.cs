using Xsave.Contract;
using Xsave.Contract.Layouts;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// The compacted format, SDM Vol.1 13.4.3 (SPEC R15). Conventions: <c>xcompBv</c> is the XCOMP_BV value; bit 63 is
/// the format flag and never a component.
/// </summary>
public static class CompactedLayout
{
    /// <summary>
    /// R15: walk i = 2..62 in increasing order over C = XCOMP_BV[62:0], starting at 576; a component with ECX[1] set
    /// starts at the next 64-byte boundary; each one takes EAX_i bytes. x87 and SSE keep their legacy offsets.
    /// Offsets depend on XCOMP_BV only, never on XSTATE_BV.
    /// </summary>
    public static XsaveLayout For(CpuModel cpu, FeatureMask xcompBv)
    {
        var c = xcompBv.Without(XFeatures.CompactedFormatBit);
        var placements = new List<ComponentPlacement>(capacity: c.Count);
        if (c.Contains(XFeature.Fp)) placements.Add(LegacyRegion.X87Placement);
        if (c.Contains(XFeature.Sse)) placements.Add(LegacyRegion.SsePlacement);

        int offset = XFeatures.ExtendedRegionStart;
        for (int i = 2; i <= 62; i++)
        {
            if (!c.Contains(i)) continue;
            if (cpu.IsAligned64(i)) offset = Align64(offset);
            placements.Add(new ComponentPlacement(i, offset, cpu.ComponentSize(i)));
            offset += cpu.ComponentSize(i);
        }
        return new XsaveLayout(XsaveFormat.Compacted, c, offset, placements);
    }

    /// <summary>R15: the size of a compacted area for the set C (= 576 when C has no bit >= 2).</summary>
    public static int Size(CpuModel cpu, FeatureMask xcompBv) => For(cpu, xcompBv).Size;

    /// <summary>ALIGN64(x) = (x + 63) &amp; ~63 (SPEC conventions).</summary>
    public static int Align64(int x) => (x + 63) / 64 * 64;
}
