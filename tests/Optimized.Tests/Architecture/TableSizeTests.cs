namespace Xsave.Optimized.Tests.Architecture;

/// <summary>The optimized size tables against real dumps (corpus/cpus) and SPEC's worked examples.</summary>
public class TableSizeTests
{
    private static OptimizedCpuArchitecture Spr => new(Corpus.Cpu("intel-sapphirerapids-806f8"));

    [Theory]
    [MemberData(nameof(Corpus.CleanIds), MemberType = typeof(Corpus))]
    public void StandardSize_OfSupportedUserSet_EqualsSubLeaf0Ecx(string id)
    {
        var cpu = Corpus.Cpu(id);
        Assert.Equal((int)cpu.SubLeaf(0).Ecx, new OptimizedCpuArchitecture(cpu).StandardSize(cpu.SupportedXcr0));
    }

    /// <summary>
    /// R4/R5: some legal enabled (XCR0, XSS) reproduces both measured sizes. The search is brute force over subsets
    /// here, independent of the implementation's own tables.
    /// </summary>
    [Theory]
    [MemberData(nameof(Corpus.CleanIds), MemberType = typeof(Corpus))]
    public void SomeEnabledPair_ReproducesTheMeasuredSizes(string id)
    {
        var cpu = Corpus.Cpu(id);
        var arch = new OptimizedCpuArchitecture(cpu);
        bool found = Subsets(cpu.SupportedXcr0)
            .Where(x => arch.CheckXcr0(x).Valid && arch.StandardSize(x) == cpu.SubLeaf(0).Ebx)
            .Any(x => cpu.SubLeaf(1).Ebx == 0 || Subsets(cpu.SupportedXss).Any(s => arch.CompactedSize(x | s) == cpu.SubLeaf(1).Ebx));
        Assert.True(found);
    }

    [Fact]
    public void R16_WorkedExamples()
    {
        Assert.Equal(11008, Spr.StandardSize(new FeatureMask(0x602e7)));
        Assert.Equal(2480, Spr.CompactedSize(new FeatureMask(0x2e7 | 0x1800)));
        Assert.Equal(2560, Spr.CompactedSize(new FeatureMask(0x202e7 | 0x800)));
        Assert.Equal(2560, Spr.CompactedSize(new FeatureMask(0x202e7 | 0x1800)));
        Assert.Equal(2496, Spr.Tables.CompactedOffset(0x202e7 | 0x800, 17));
    }

    [Fact]
    public void CompactedLayout_WalksInComponentOrderWithAlignment()
    {
        var layout = Spr.CompactedLayout(new FeatureMask(0x8000_0000_0000_0000 | 0x602e7 | 0x1800));
        Assert.Equal(new[] { 0, 1, 2, 5, 6, 7, 9, 11, 12, 17, 18 }, layout.Placements.Select(p => p.Index));
        Assert.Equal(2496, layout.Find(17)!.Value.Offset);       // 2480 rounded up (R16)
        Assert.Equal(2560, layout.Find(18)!.Value.Offset);       // TILEDATA is aligned too
        Assert.Equal(2560 + 8192, layout.Size);
        Assert.Equal(layout.Size, Spr.CompactedSize(new FeatureMask(0x602e7 | 0x1800)));
    }

    [Fact]
    public void Zen5Host_CompactedOffsets_AreTheObservedOnes()
    {
        // KERNEL-OBSERVATIONS §5b: marker search on the Zen 5 host, RFBM -> offsets.
        var host = new OptimizedCpuArchitecture(ObservedHost.Zen5());
        Assert.Equal(832, host.Tables.CompactedOffset(0x44, 6));
        Assert.Equal(832, host.Tables.CompactedOffset(0x84, 7));
        Assert.Equal(640, host.Tables.CompactedOffset(0xe0, 6));
        Assert.Equal(1152, host.Tables.CompactedOffset(0xe0, 7));
        Assert.Equal(2432, host.CompactedSize(new FeatureMask(0xe7)));
        // §0 dmesg: "Enabled xstate features 0x18e7, context size is 2472 bytes"; [12]=2448.
        Assert.Equal(2472, host.CompactedSize(new FeatureMask(0x18e7)));
        Assert.Equal(2448, host.Tables.CompactedOffset(0x18e7, 12));
    }

    private static IEnumerable<FeatureMask> Subsets(FeatureMask mask)
    {
        var bits = mask.Indices().ToArray();
        for (long k = 0; k < 1L << bits.Length; k++)
            yield return new FeatureMask(bits.Select((b, n) => (k >> n & 1) != 0 ? 1UL << b : 0).Aggregate(0UL, (a, v) => a | v));
    }
}
