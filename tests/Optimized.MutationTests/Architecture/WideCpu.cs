namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// A CPU no vendor has built yet but the architecture allows (SDM Vol.1 13.2: CPUID leaf 0xD enumerates any of bits
/// 2..62): user components in every byte of XCR0 above the known ones, in each byte one that is not 64-byte aligned
/// (bits 24, 33, 41, 50, 58) and most bytes one that is (28, 37, 54), some XFD-capable, and supervisor components at
/// 30, 45 and 61. Every corpus CPU stops at bit 19 (APX) or 62 (LWP), so
/// without it the byte-sliced size tables' upper bytes would never be read with a non-zero size.
/// </summary>
internal static class WideCpu
{
    private static readonly (int Bit, int Size, bool Aligned, bool Xfd)[] User =
        [(24, 200, false, true), (28, 64, true, false), (33, 64, false, false), (37, 72, true, false), (41, 136, false, false),
         (50, 72, false, true), (54, 40, true, false), (58, 40, false, false)];

    private static readonly (int Bit, int Size, bool Aligned)[] Supervisor = [(30, 24, false), (45, 96, true), (61, 16, false)];

    public static CpuModel Model { get; } = Build();

    private static CpuModel Build()
    {
        var sapphire = Subjects.AllCpus.Single(c => c.Id == Corpus.SapphireRapids);
        var leaf = sapphire.Leaf0D.ToDictionary();
        ulong xcr0 = sapphire.SupportedXcr0.Bits, xss = sapphire.SupportedXss.Bits;
        int end = (int)sapphire.MaxStandardSize;
        foreach (var (bit, size, aligned, xfd) in User)
        {
            end = (end + 63) & ~63;
            leaf[bit] = new CpuidRegs((uint)size, (uint)end, (uint)((aligned ? 2 : 0) | (xfd ? 4 : 0)), 0);
            end += size;
            xcr0 |= 1UL << bit;
        }
        foreach (var (bit, size, aligned) in Supervisor)
        {
            leaf[bit] = new CpuidRegs((uint)size, 0, (uint)(1 | (aligned ? 2 : 0)), 0);
            xss |= 1UL << bit;
        }
        leaf[0] = new CpuidRegs((uint)xcr0, (uint)end, (uint)end, (uint)(xcr0 >> 32));
        leaf[1] = leaf[1] with { Ebx = 0, Ecx = (uint)xss, Edx = (uint)(xss >> 32) };
        return sapphire with { Id = "synthetic-wide", Leaf0D = leaf };
    }
}
