using Xsave.Contract;
using Xsave.Contract.Implementations;

namespace Xsave.Cli.Reports;

/// <summary>
/// Which legal (XCR0, IA32_XSS) pairs explain a CPUID dump's measured sizes, asked through the contract. Sub-leaf 0
/// EBX and sub-leaf 1 EBX are sizes measured for the values the dumping OS had enabled (SPEC R4, R5), which the dump
/// does not record; so every legal pair within the supported sets is tried.
/// </summary>
public static class EnabledPairSearch
{
    /// <summary>
    /// Every (XCR0, XSS), in ascending XCR0 then XSS, that the implementation accepts (R8-R10) with standard size
    /// (XCR0) = sub-leaf 0 EBX and, where the dump measured it, compacted size (XCR0|XSS) = sub-leaf 1 EBX.
    /// </summary>
    public static IReadOnlyList<(FeatureMask Xcr0, FeatureMask Xss)> Find(ICpuArchitecture architecture)
    {
        var cpu = architecture.Cpu;
        var pairs = new List<(FeatureMask, FeatureMask)>();
        foreach (var xcr0 in SubMasks(cpu.SupportedXcr0))
        {
            if (!architecture.CheckXcr0(xcr0).Valid || architecture.StandardSize(xcr0) != cpu.EnabledStandardSize) continue;
            foreach (var xss in SubMasks(cpu.SupportedXss))
            {
                if (!architecture.CheckXss(xss).Valid) continue;
                // Zero: the dump has no compacted measurement to match.
                if (cpu.EnabledCompactedSize != 0 && architecture.CompactedSize(xcr0 | xss) != cpu.EnabledCompactedSize) continue;
                pairs.Add((xcr0, xss));
            }
        }
        return pairs;
    }

    /// <summary>Every sub-mask of <paramref name="mask"/> in ascending order (leaf 0xD masks have a dozen or so bits).</summary>
    private static IEnumerable<FeatureMask> SubMasks(FeatureMask mask)
    {
        ulong all = mask.Bits, sub = 0;
        do
        {
            yield return new FeatureMask(sub);
            sub = (sub - all) & all;  // the next larger sub-mask; wraps to 0 after the last
        } while (sub != 0);
    }
}
