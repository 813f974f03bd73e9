using Xsave.Contract.Registers;

namespace Xsave.Oracle.Tests.Architecture;

/// <summary>XCR0 validity (R8, R9) against the KVM_SET_XCRS table measured in KERNEL-OBSERVATIONS §3e.</summary>
public class Xcr0RulesTests
{
    /// <summary>§3e: supported XCR0 on the measured host is 0xe7 (x87, SSE, AVX, AVX-512).</summary>
    private static readonly FeatureMask HostSupported = new(0xe7);

    [Theory]
    [InlineData(0x1UL)]
    [InlineData(0x3UL)]
    [InlineData(0x7UL)]
    [InlineData(0xe7UL)]
    public void KvmTable_AcceptedValues_AreValid(ulong value) =>
        Assert.True(Xcr0Rules.Check(new FeatureMask(value), HostSupported).Valid);

    [Theory]
    [InlineData(0x0UL)]      // no x87
    [InlineData(0x2UL)]      // no x87
    [InlineData(0x5UL)]      // AVX without SSE
    [InlineData(0xfUL)]      // MPX half, host lacks MPX
    [InlineData(0x19UL)]
    [InlineData(0x1bUL)]
    [InlineData(0x1fUL)]
    [InlineData(0x23UL)]     // AVX-512 without YMM
    [InlineData(0xe3UL)]
    [InlineData(0x27UL)]     // partial AVX-512
    [InlineData(0x47UL)]
    [InlineData(0x67UL)]
    [InlineData(0x87UL)]
    [InlineData(0xa7UL)]
    [InlineData(0xc7UL)]
    [InlineData(0xe5UL)]     // no SSE
    [InlineData(0xefUL)]
    [InlineData(0x1e7UL)]    // bit 8 (PT) is supervisor
    [InlineData(0x2e7UL)]    // PKRU, host lacks
    [InlineData(0x8e7UL)]    // CET bits are XSS-only
    [InlineData(0x10e7UL)]
    [InlineData(0x200e7UL)]  // AMX
    [InlineData(0x400e7UL)]
    [InlineData(0x600e7UL)]
    [InlineData(0x800e7UL)]  // APX
    [InlineData(0x40000000000000e7UL)] // bit 62
    [InlineData(0x80000000000000e7UL)] // bit 63
    public void KvmTable_RejectedValues_AreInvalid(ulong value) =>
        Assert.False(Xcr0Rules.Check(new FeatureMask(value), HostSupported).Valid);

    [Fact]
    public void EveryReasonIsReported_WithItsRule()
    {
        // 0x26: no x87 (R8), AVX-512 opmask without ZMM_Hi256/Hi16_ZMM (R9).
        var result = Xcr0Rules.Check(new FeatureMask(0x26), HostSupported);
        Assert.Equal(new[] { "R8", "R9" }, result.Rejections.Select(r => r.Rule));
        Assert.Equal(new[] { RejectionCode.X87Missing, RejectionCode.Avx512Partial }, result.Codes);
        Assert.Contains("x87", result.Rejections[0].Reason);
        Assert.Contains("AVX-512", result.Rejections[1].Reason);
    }

    [Fact]
    public void Mpx_AndAmx_AreBundles()
    {
        var spr = Corpus.Cpu("intel-sapphirerapids-806f8"); // supports 0x602e7: AMX but not MPX
        Assert.True(Xcr0Rules.Check(spr, new FeatureMask(0x602e7)).Valid);
        Assert.False(Xcr0Rules.Check(spr, new FeatureMask(0x202e7)).Valid); // TILECFG without TILEDATA
        Assert.False(Xcr0Rules.Check(spr, new FeatureMask(0x402e7)).Valid); // TILEDATA without TILECFG
        var skl = Corpus.Cpu("intel-skylake-506e3"); // supports 0x1f: MPX
        Assert.True(Xcr0Rules.Check(skl, new FeatureMask(0x1f)).Valid);
        Assert.False(Xcr0Rules.Check(skl, new FeatureMask(0x0f)).Valid);
        Assert.False(Xcr0Rules.Check(skl, new FeatureMask(0x17)).Valid);
    }

    [Fact]
    public void Xss_AcceptsOnlyEnumeratedSupervisorBits()
    {
        var spr = Corpus.Cpu("intel-sapphirerapids-806f8"); // XSS supported 0xdd00
        Assert.True(XssRules.Check(spr, new FeatureMask(0x1800)).Valid);
        Assert.True(XssRules.Check(spr, new FeatureMask(0xdd00)).Valid);
        Assert.False(XssRules.Check(spr, new FeatureMask(0x1)).Valid);     // user bit (R10)
        Assert.False(XssRules.Check(spr, new FeatureMask(0x2000)).Valid);  // HDC, not enumerated here
        var knl = Corpus.Profiles.First(p => !p.ToCpuModel().HasXsaves).ToCpuModel();
        Assert.False(XssRules.Check(knl, new FeatureMask(0x100)).Valid);
        Assert.True(XssRules.Check(knl, FeatureMask.None).Valid);
    }

    [Fact]
    public void Xfd_OnlyXfdCapableComponents()
    {
        var spr = Corpus.Cpu("intel-sapphirerapids-806f8"); // sub-leaf 18 ECX = 6 (XFD), 17 ECX = 2
        Assert.True(XfdRules.Check(spr, FeatureMask.Of(XFeature.XtileData)).Valid);
        Assert.False(XfdRules.Check(spr, FeatureMask.Of(XFeature.XtileCfg)).Valid);
        Assert.False(XfdRules.Check(Corpus.Cpu("intel-skylake-506e3"), FeatureMask.Of(XFeature.XtileData)).Valid);
    }
}
