namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// The masks a differential test asks about for one CPU: every single bit, every prefix and suffix of the supported
/// set, every pair of supported bits, the supported set with bit 63, and seeded random subsets and random values.
/// Deterministic (fixed seed per CPU), so a failure replays.
/// </summary>
internal static class MaskSamples
{
    public static IEnumerable<ulong> For(CpuModel cpu, int randomCount = 24)
    {
        ulong supported = cpu.SupportedXcr0.Bits | cpu.SupportedXss.Bits;
        var bits = Enumerable.Range(0, 64).Where(i => ((supported >> i) & 1) != 0).ToArray();

        yield return 0;
        yield return supported;
        yield return supported | (1UL << 63);
        yield return ~0UL;
        for (int i = 0; i < 64; i++)
        {
            yield return 1UL << i;
            yield return 3UL | (1UL << i);
            ulong below = i == 0 ? 0 : ~0UL >> (64 - i);
            yield return supported & below;
            yield return supported & ~below;
        }
        // Pairs of XCR0 bits: where one component's alignment or offset depends on another's presence.
        foreach (int a in bits)
            foreach (int b in bits)
                if (a < b && b < 32) yield return (1UL << a) | (1UL << b) | 3UL;

        var random = new Random(unchecked((int)(supported ^ (supported >> 32)) ^ cpu.Id.Length));
        for (int n = 0; n < randomCount; n++)
        {
            yield return supported & (ulong)random.NextInt64() & (ulong)random.NextInt64();
            yield return supported & (ulong)random.NextInt64();
            yield return (ulong)random.NextInt64() | ((ulong)random.Next(2) << 63);
        }
    }
}
