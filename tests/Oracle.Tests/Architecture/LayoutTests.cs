using Xsave.Contract.Layouts;

namespace Xsave.Oracle.Tests.Architecture;

/// <summary>Standard and compacted layouts (R12-R16) on real profiles; expected numbers are from SPEC and the dumps.</summary>
public class LayoutTests
{
    private static CpuModel Spr => Corpus.Cpu("intel-sapphirerapids-806f8");

    [Fact]
    public void R16_SprStandardSize_ForAllUserFeatures_Is11008()
    {
        Assert.Equal(11008, StandardLayout.Size(Spr, new FeatureMask(0x602e7)));
        Assert.Equal(0x2B00, StandardLayout.Size(Spr, new FeatureMask(0x602e7)));
    }

    [Fact]
    public void R16_CompactedWalk_WithCet_MatchesTheWorkedExample()
    {
        // R16: XCR0 = 0x2E7 with CET_U|CET_S on a part with Intel's component sizes: ... 2432, PKRU 2440, CET_U 2456, CET_S 2480.
        var layout = CompactedLayout.For(Spr, new FeatureMask(0x2e7 | 0x1800));
        Assert.Equal(2480, layout.Size);
        Assert.Equal(576, layout.Find(2)!.Value.Offset);
        Assert.Equal(832, layout.Find(5)!.Value.Offset);
        Assert.Equal(896, layout.Find(6)!.Value.Offset);
        Assert.Equal(1408, layout.Find(7)!.Value.Offset);
        Assert.Equal(2432, layout.Find(9)!.Value.Offset);
        Assert.Equal(2440, layout.Find(11)!.Value.Offset);
        Assert.Equal(2456, layout.Find(12)!.Value.Offset);
    }

    [Fact]
    public void R16_SprHostDefault_AlignsTileCfg()
    {
        // R16: user default 0x202E7 + CET_U: ... 2440, CET_U -> 2456, TILECFG aligned -> 2496, -> 2560.
        var host = CompactedLayout.For(Spr, new FeatureMask(0x202e7 | 0x800));
        Assert.Equal(2496, host.Find(17)!.Value.Offset);
        Assert.Equal(2560, host.Size);
        // Guest default adds CET_S: 2456 -> 2480, aligned -> 2496, -> 2560 (CET_S fits in the padding).
        var guest = CompactedLayout.For(Spr, new FeatureMask(0x202e7 | 0x1800));
        Assert.Equal(2456, guest.Find(12)!.Value.Offset);
        Assert.Equal(2496, guest.Find(17)!.Value.Offset);
        Assert.Equal(2560, guest.Size);
    }

    [Fact]
    public void CompactedSize_WithEverySprBit_IsSubLeaf1Ebx()
    {
        // The dump's sub-leaf 1 EBX (0x2A80) is the compacted size of XCR0 | XSS the dumping OS enabled.
        var pairs = DumpReproduction.Explain(Spr).Pairs;
        Assert.Contains(pairs, p => CompactedLayout.Size(Spr, p.Xcr0 | p.Xss) == 0x2A80);
    }

    [Fact]
    public void Zen4_PlacesAvx512WithoutTheMpxGap()
    {
        // corpus/cpus/README.md: Zen 4/5 place AVX-512 at 832/896/1408 and PKRU at 2432; Intel at 1088/1152/1664, 2688.
        var zen4 = Corpus.Profiles.First(p => p.Category!.StartsWith("amd-zen4", StringComparison.Ordinal) && p.Clean).ToCpuModel();
        var std = StandardLayout.For(zen4, zen4.SupportedXcr0);
        Assert.Equal(832, std.Find(5)!.Value.Offset);
        Assert.Equal(896, std.Find(6)!.Value.Offset);
        Assert.Equal(1408, std.Find(7)!.Value.Offset);
        Assert.Equal(2432, std.Find(9)!.Value.Offset);
        var intel = StandardLayout.For(Spr, Spr.SupportedXcr0);
        Assert.Equal(new[] { 1088, 1152, 1664, 2688 }, new[] { 5, 6, 7, 9 }.Select(i => intel.Find(i)!.Value.Offset));
    }

    [Fact]
    public void LegacyComponents_UseLegacyOffsets_InBothFormats()
    {
        foreach (var layout in new[] { StandardLayout.For(Spr, new FeatureMask(0x3)), CompactedLayout.For(Spr, new FeatureMask(0x3)) })
        {
            Assert.Equal(new ComponentPlacement(0, 0, 160), layout.Find(0));
            Assert.Equal(new ComponentPlacement(1, 160, 256), layout.Find(1));
            Assert.Equal(576, layout.Size); // R14/R15: nothing beyond x87/SSE -> 576
        }
    }

    [Fact]
    public void StandardLayout_LeavesOutSupervisorAndUnsupportedBits()
    {
        var layout = StandardLayout.For(Spr, new FeatureMask(0x7 | 0x1800 | 0x8));
        Assert.Equal(new[] { 0, 1, 2 }, layout.Placements.Select(p => p.Index));
        Assert.Equal(832, layout.Size);
    }

    [Fact]
    public void CompactedLayout_IgnoresTheFormatBit()
    {
        var with = CompactedLayout.For(Spr, new FeatureMask(0x80000000000000e7));
        var without = CompactedLayout.For(Spr, new FeatureMask(0xe7));
        Assert.Equal(without, with);
    }

    [Theory]
    [MemberData(nameof(Corpus.CleanIds), MemberType = typeof(Corpus))]
    public void CompactedOffsets_RespectAlignmentAndNeverOverlap(string id)
    {
        var cpu = Corpus.Cpu(id);
        var layout = CompactedLayout.For(cpu, cpu.SupportedAll);
        var extended = layout.Placements.Where(p => p.Index >= 2).ToList();
        for (int k = 0; k < extended.Count; k++)
        {
            if (cpu.IsAligned64(extended[k].Index)) Assert.Equal(0, extended[k].Offset % 64);
            int previousEnd = k == 0 ? 576 : extended[k - 1].End;
            Assert.True(extended[k].Offset >= previousEnd);
            Assert.True(extended[k].Offset - previousEnd < 64); // padding only for alignment
        }
        Assert.Equal(extended.Count == 0 ? 576 : extended[^1].End, layout.Size);
    }
}
