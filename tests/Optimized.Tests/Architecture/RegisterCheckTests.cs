using Xsave.Contract.Registers;

namespace Xsave.Optimized.Tests.Architecture;

/// <summary>XCR0/XSS/XFD checks against KERNEL-OBSERVATIONS §3e and SPEC R8-R11.</summary>
public class RegisterCheckTests
{
    private const ulong HostSupported = 0xe7; // §3e

    [Theory]
    [InlineData(0x1UL)]
    [InlineData(0x3UL)]
    [InlineData(0x7UL)]
    [InlineData(0xe7UL)]
    public void KvmTable_Accepted(ulong x)
    {
        Assert.True(RegisterChecks.IsValidXcr0(x, HostSupported));
        Assert.Same(ValidityResult.Ok, RegisterChecks.CheckXcr0(x, HostSupported)); // no allocation when accepted
    }

    [Theory]
    [InlineData(0x0UL)] [InlineData(0x2UL)] [InlineData(0x5UL)] [InlineData(0xfUL)] [InlineData(0x19UL)]
    [InlineData(0x1bUL)] [InlineData(0x1fUL)] [InlineData(0x23UL)] [InlineData(0xe3UL)] [InlineData(0x27UL)]
    [InlineData(0x47UL)] [InlineData(0x67UL)] [InlineData(0x87UL)] [InlineData(0xa7UL)] [InlineData(0xc7UL)]
    [InlineData(0xe5UL)] [InlineData(0xefUL)] [InlineData(0x1e7UL)] [InlineData(0x2e7UL)] [InlineData(0x8e7UL)]
    [InlineData(0x10e7UL)] [InlineData(0x200e7UL)] [InlineData(0x400e7UL)] [InlineData(0x600e7UL)]
    [InlineData(0x800e7UL)] [InlineData(0x40000000000000e7UL)] [InlineData(0x80000000000000e7UL)]
    public void KvmTable_Rejected(ulong x)
    {
        Assert.False(RegisterChecks.IsValidXcr0(x, HostSupported));
        Assert.False(RegisterChecks.CheckXcr0(x, HostSupported).Valid);
    }

    [Theory]
    [InlineData(0x0UL, new[] { RejectionCode.X87Missing })]
    [InlineData(0x5UL, new[] { RejectionCode.AvxWithoutSse })]
    [InlineData(0x2e7UL, new[] { RejectionCode.Xcr0Unsupported })]
    [InlineData(0x27UL, new[] { RejectionCode.Avx512Partial })]
    [InlineData(0xe3UL, new[] { RejectionCode.Avx512WithoutAvx })]
    [InlineData(0x26UL, new[] { RejectionCode.X87Missing, RejectionCode.Avx512Partial })]
    public void RejectionCodes_FollowTheRuleOrderOfR9(ulong x, RejectionCode[] expected) =>
        Assert.Equal(expected, RegisterChecks.CheckXcr0(x, HostSupported).Codes);

    [Fact]
    public void Bundles_MpxAndAmx()
    {
        Assert.Equal(new[] { RejectionCode.MpxHalf }, RegisterChecks.CheckXcr0(0xf, 0x1f).Codes);
        Assert.Equal(new[] { RejectionCode.AmxHalf }, RegisterChecks.CheckXcr0(0x202e7, 0x602e7).Codes);
        Assert.True(RegisterChecks.IsValidXcr0(0x602e7, 0x602e7));
    }

    [Fact]
    public void XssAndXfd_OnSapphireRapids()
    {
        var spr = new OptimizedCpuArchitecture(Corpus.Cpu("intel-sapphirerapids-806f8")); // XSS 0xdd00, 18 XFD-capable
        Assert.True(spr.CheckXss(new FeatureMask(0xdd00)).Valid);
        Assert.Equal(new[] { RejectionCode.XssUnsupported }, spr.CheckXss(new FeatureMask(0x1)).Codes);
        Assert.True(spr.CheckXfd(FeatureMask.Of(XFeature.XtileData)).Valid);
        Assert.Equal(new[] { RejectionCode.XfdNotCapable }, spr.CheckXfd(FeatureMask.Of(XFeature.XtileCfg)).Codes);
        var host = new OptimizedCpuArchitecture(ObservedHost.Zen5()); // no XFD
        Assert.Equal(new[] { RejectionCode.XfdAbsent }, host.CheckXfd(FeatureMask.Of(XFeature.XtileData)).Codes);
    }
}
