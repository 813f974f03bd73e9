using Xsave.Contract;

namespace Xsave.Oracle.Architecture;

/// <summary>A legal register pair the dumping OS may have had enabled.</summary>
public readonly record struct EnabledPair(FeatureMask Xcr0, FeatureMask Xss)
{
    public override string ToString() => $"XCR0={Xcr0.ToHex()} XSS={Xss.ToHex()}";
}

/// <summary>
/// How the size rules explain one CPUID dump. Sub-leaf 0 ECX and every sub-leaf >= 2 describe the hardware, while
/// sub-leaf 0 EBX and sub-leaf 1 EBX are sizes measured for the XCR0 and XCR0|IA32_XSS the dumping OS had enabled
/// (SPEC R4, R5). Those enabled values are not in the dump, so this searches every legal pair for the ones that
/// reproduce both measurements.
/// </summary>
/// <param name="MaxStandardSize">R14 standard size of every supported XCR0 bit; must equal <see cref="DumpEcx"/>.</param>
/// <param name="Pairs">Every (XCR0, XSS) with XCR0 legal (R9) and within the supported set, XSS within the supported
/// set, standard size(XCR0) = sub-leaf 0 EBX and, where the dump has it, compacted size(XCR0|XSS) = sub-leaf 1 EBX.</param>
public sealed record DumpReproduction(
    uint DumpEcx,
    int MaxStandardSize,
    uint DumpEbx0,
    uint DumpEbx1,
    IReadOnlyList<EnabledPair> Pairs)
{
    public bool MaxSizeMatches => MaxStandardSize == DumpEcx;

    /// <summary>Whether sub-leaf 1 EBX was measured (0 on CPUs without a compacted size to report).</summary>
    public bool HasCompactedMeasurement => DumpEbx1 != 0;

    public bool Reproduced => Pairs.Count > 0;

    public static DumpReproduction Explain(CpuModel cpu)
    {
        // R4: ECX is the standard size with every supported XCR0 bit enabled.
        int maxStandard = StandardLayout.Size(cpu, cpu.SupportedXcr0);

        var pairs = new List<EnabledPair>();
        foreach (var xcr0 in Subsets(cpu.SupportedXcr0))
        {
            // The OS can only have enabled a value XSETBV accepts (R8, R9).
            if (!Xcr0Rules.Check(xcr0, cpu.SupportedXcr0).Valid) continue;
            // R4: sub-leaf 0 EBX = standard size of the enabled XCR0.
            if (StandardLayout.Size(cpu, xcr0) != cpu.EnabledStandardSize) continue;
            foreach (var xss in Subsets(cpu.SupportedXss))
            {
                // R5: sub-leaf 1 EBX = compacted size of XCR0 | IA32_XSS.
                if (cpu.EnabledCompactedSize != 0 && CompactedLayout.Size(cpu, xcr0 | xss) != cpu.EnabledCompactedSize) continue;
                pairs.Add(new EnabledPair(xcr0, xss));
            }
        }
        return new DumpReproduction(cpu.MaxStandardSize, maxStandard, cpu.EnabledStandardSize, cpu.EnabledCompactedSize, pairs);
    }

    /// <summary>Every subset of a mask (2^popcount of them; leaf 0xD masks have at most a dozen or so bits).</summary>
    private static IEnumerable<FeatureMask> Subsets(FeatureMask mask)
    {
        var bits = mask.Indices().ToArray();
        for (long k = 0; k < 1L << bits.Length; k++)
        {
            ulong m = 0;
            for (int b = 0; b < bits.Length; b++)
                if ((k & (1L << b)) != 0) m |= 1UL << bits[b];
            yield return new FeatureMask(m);
        }
    }
}
