using Xsave.Contract;

namespace Xsave.BenchCore;

/// <summary>
/// The precomputed inputs of every operation for one CPU, from a fixed seed: the loops only index into these arrays,
/// so they measure the query and not the generation of its argument. Array lengths are a power of two so the loops
/// wrap with a mask.
/// </summary>
public sealed class BenchInputs
{
    /// <summary>Number of masks in each array (a power of two).</summary>
    public const int Count = 1024;

    public const int DefaultSeed = 0x5A5E;

    private BenchInputs(FeatureMask[] xcr0, FeatureMask[] xcompBv, FeatureMask[] invalidXcr0, int[] lookupTable, ushort[] lookupIndex)
    {
        Xcr0 = xcr0;
        XcompBv = xcompBv;
        InvalidXcr0 = invalidXcr0;
        LookupTable = lookupTable;
        LookupIndex = lookupIndex;
    }

    /// <summary>Random valid XCR0 values (SPEC R9) of the CPU: the arguments of the standard size and layout queries.</summary>
    public FeatureMask[] Xcr0 { get; }

    /// <summary>
    /// XCOMP_BV values as XSAVES writes them: <see cref="Xcr0"/>[i] | a random subset of the supported IA32_XSS bits
    /// | bit 63. The arguments of the compacted size and layout queries.
    /// </summary>
    public FeatureMask[] XcompBv { get; }

    /// <summary>Values XSETBV refuses: each <see cref="Xcr0"/>[i] with one rule of R8/R9 broken
    /// (<see cref="ValidMasks.InvalidXcr0"/>). The arguments of the rejection path of the validity query.</summary>
    public FeatureMask[] InvalidXcr0 { get; }

    /// <summary>
    /// The bare-lookup baseline's table: the standard size of each distinct value of <see cref="Xcr0"/> (a few dozen),
    /// from the CPUID sub-leaves (R14: the end of the highest enabled component).
    /// </summary>
    public int[] LookupTable { get; }

    /// <summary>For each <see cref="Xcr0"/>[i], its index in <see cref="LookupTable"/>: the "small mask index".</summary>
    public ushort[] LookupIndex { get; }

    public static BenchInputs For(CpuModel cpu, int seed = DefaultSeed)
    {
        var random = new Random(seed);
        var supportedXcr0 = cpu.SupportedXcr0;
        var supportedXss = cpu.SupportedXss;

        var xcr0 = new FeatureMask[Count];
        var xcompBv = new FeatureMask[Count];
        var invalidXcr0 = new FeatureMask[Count];
        for (int i = 0; i < Count; i++)
        {
            xcr0[i] = ValidMasks.Xcr0((ulong)random.NextInt64(), supportedXcr0);
            var xss = new FeatureMask((ulong)random.NextInt64()) & supportedXss;
            xcompBv[i] = (xcr0[i] | xss).With(XFeatures.CompactedFormatBit);
            invalidXcr0[i] = ValidMasks.InvalidXcr0(xcr0[i], random.Next(), supportedXcr0);
        }

        var distinct = new List<FeatureMask>();
        var lookupIndex = new ushort[Count];
        for (int i = 0; i < Count; i++)
        {
            int k = distinct.IndexOf(xcr0[i]);
            if (k < 0)
            {
                k = distinct.Count;
                distinct.Add(xcr0[i]);
            }
            lookupIndex[i] = (ushort)k;
        }
        var table = distinct.Select(m => StandardSizeFromCpuid(cpu, m)).ToArray();
        return new BenchInputs(xcr0, xcompBv, invalidXcr0, table, lookupIndex);
    }

    // R14: 512 + 64 bytes of legacy area and header, or the end of the highest user component, whichever is larger.
    private static int StandardSizeFromCpuid(CpuModel cpu, FeatureMask xcr0)
    {
        int size = XFeatures.ExtendedRegionStart;
        foreach (int i in xcr0.Indices())
            if (i >= 2) size = Math.Max(size, cpu.StandardOffset(i) + cpu.ComponentSize(i));
        return size;
    }
}
