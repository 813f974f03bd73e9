using Xsave.Contract;
using Xsave.Contract.Layouts;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// The standard (non-compacted) format, SDM Vol.1 13.4 (SPEC R12-R14).
/// Conventions: <c>mask</c> is an XCR0-style set; only user components have a standard-format location.
/// </summary>
public static class StandardLayout
{
    /// <summary>
    /// The standard layout of the user components of <paramref name="mask"/> that the CPU enumerates in XCR0.
    /// Supervisor bits have no standard location (R3) and bits the CPU does not enumerate have no descriptor: both
    /// are left out.
    /// </summary>
    public static XsaveLayout For(CpuModel cpu, FeatureMask mask)
    {
        var present = mask & cpu.SupportedXcr0;
        var placements = new List<ComponentPlacement>(capacity: present.Count);

        // R12: x87 and SSE live in the legacy region at fixed offsets.
        if (present.Contains(XFeature.Fp)) placements.Add(LegacyRegion.X87Placement);
        if (present.Contains(XFeature.Sse)) placements.Add(LegacyRegion.SsePlacement);

        // R14: component i >= 2 lives at CPUID.(0xD,i).EBX, EAX bytes long.
        foreach (int i in present.Indices().Where(i => i >= 2))
            placements.Add(new ComponentPlacement(i, cpu.StandardOffset(i), cpu.ComponentSize(i)));

        return new XsaveLayout(XsaveFormat.Standard, present, Size(cpu, present), placements);
    }

    /// <summary>R14: standard size = max(576, max over i in mask, i >= 2, of EBX_i + EAX_i).</summary>
    public static int Size(CpuModel cpu, FeatureMask mask)
    {
        int size = XFeatures.ExtendedRegionStart;
        foreach (int i in (mask & cpu.SupportedXcr0).Indices().Where(i => i >= 2))
            size = Math.Max(size, cpu.StandardOffset(i) + cpu.ComponentSize(i));
        return size;
    }
}
