namespace Xsave.Contract.Tests;

/// <summary>R5, R6: what CpuModel decodes from the sub-leaves of CPUID 0xD, read off real dumps.</summary>
public class CpuModelDecodingTests
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
}
