using Xsave.Contract;
using Xsave.Oracle.Architecture;
using Xsave.TestSupport;

namespace Xsave.Oracle.Tests.Architecture;

/// <summary>R3-R6: what the sub-leaves of CPUID 0xD mean, read off real dumps.</summary>
public class CpuidDecodingTests
{
    [Fact]
    public void R6_SubLeafFlags_SupervisorAlignmentXfd()
    {
        // Sapphire Rapids: 17 = (64, 0xAC0, ECX 2), 18 = (0x2000, 0xB00, ECX 6), 11 = (16, 0, ECX 1) — from its dump.
        var spr = Corpus.Cpu("intel-sapphirerapids-806f8");
        Assert.True(spr.IsAligned64(17));
        Assert.False(spr.IsXfdCapable(17));
        Assert.True(spr.IsAligned64(18));
        Assert.True(spr.IsXfdCapable(18));
        Assert.True(spr.IsSupervisorEnumerated(11));
        Assert.Equal(0, spr.StandardOffset(11));
        Assert.False(spr.IsSupervisorEnumerated(2));
        Assert.Equal(0, spr.ComponentSize(13)); // R6: an unsupported component's sub-leaf reads all zeros
    }

    [Fact]
    public void R5_SubLeaf1_VariantsAndXssMask()
    {
        var spr = Corpus.Cpu("intel-sapphirerapids-806f8"); // 0xD.1 EAX = 0x1F, ECX = 0xDD00
        Assert.True(spr.HasXsaveopt && spr.HasXsavec && spr.HasXgetbv1 && spr.HasXsaves && spr.HasXfd);
        Assert.Equal(new FeatureMask(0xdd00), spr.SupportedXss);
    }

    [Fact]
    public void R3_StandardOffsets_AreVendorSpecific()
    {
        // corpus/cpus/README.md: Zen 4/5 AVX-512 at 832/896/1408, PKRU 2432; Intel 1088/1152/1664, PKRU 2688;
        // Zen 2 enumerates PKRU as 64 bytes at 832.
        var intel = Corpus.Cpu("intel-sapphirerapids-806f8");
        var zen4 = Corpus.Profiles.First(p => p.Clean && p.Category!.StartsWith("amd-zen4", StringComparison.Ordinal)).ToCpuModel();
        Assert.Equal(1088, StandardLayout.For(intel, intel.SupportedXcr0).Find(5)!.Value.Offset);
        Assert.Equal(832, StandardLayout.For(zen4, zen4.SupportedXcr0).Find(5)!.Value.Offset);
        var zen2 = Corpus.Profiles.Where(p => p.Clean && p.Category!.StartsWith("amd-zen2", StringComparison.Ordinal))
            .Select(p => p.ToCpuModel()).First(c => c.SupportedXcr0.Contains(XFeature.Pkru));
        Assert.Equal(new Contract.Layouts.ComponentPlacement(9, 832, 64), StandardLayout.For(zen2, zen2.SupportedXcr0).Find(9));
    }
}
