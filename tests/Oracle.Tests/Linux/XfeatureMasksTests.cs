using static Xsave.Contract.XFeature;

namespace Xsave.Oracle.Tests.Linux;

/// <summary>R2: the Linux and KVM masks are exactly the component sets SPEC R2 lists (arch/x86/include/asm/fpu/xstate.h).</summary>
public class XfeatureMasksTests
{
    [Fact]
    public void R2_MaskCatalogue_IsTheSpecsSets()
    {
        Assert.Equal(FeatureMask.Of(Fp, Sse, Ymm, Opmask, ZmmHi256, Hi16Zmm, Pkru, BndRegs, BndCsr, XtileCfg, XtileData, Apx), XfeatureMasks.UserSupported);
        Assert.Equal(XfeatureMasks.UserSupported.Without(Pkru), XfeatureMasks.UserRestore);
        Assert.Equal(FeatureMask.Of(XtileData), XfeatureMasks.UserDynamic);
        Assert.Equal(FeatureMask.Of(CetKernel), XfeatureMasks.GuestSupervisor);
        Assert.Equal(FeatureMask.Of(Pasid, CetUser, CetKernel), XfeatureMasks.SupervisorSupported);
        Assert.Equal(FeatureMask.Of(Lbr), XfeatureMasks.Independent);
        Assert.Equal(FeatureMask.Of(Pt), XfeatureMasks.SupervisorUnsupported);
        Assert.Equal(FeatureMask.Of(Pasid, CetUser, CetKernel, Lbr, Pt), XfeatureMasks.SupervisorAll);
        Assert.Equal(XfeatureMasks.UserRestore | FeatureMask.Of(Pasid, CetUser, CetKernel), XfeatureMasks.Fpstate);
        Assert.Equal(FeatureMask.Of(XtileCfg, XtileData), XfeatureMasks.SigframeInitOpt);
        Assert.Equal(~(FeatureMask.Of(Fp, Sse) | FeatureMask.Bit(63)), XfeatureMasks.Extend);
        Assert.Equal(FeatureMask.Of(Fp, Sse, Ymm, BndRegs, BndCsr, Opmask, ZmmHi256, Hi16Zmm, Pkru, XtileCfg, XtileData), XfeatureMasks.KvmSupportedXcr0);
        Assert.Equal(FeatureMask.Of(CetUser, CetKernel), XfeatureMasks.KvmSupportedXss);
    }

    [Fact]
    public void R2_BuildTimeGuard_UserAndSupervisorSupportedAreTheInitHandledSet()
    {
        // "USER_SUPPORTED | SUPERVISOR_SUPPORTED must equal the set whose init state is handled."
        var handled = FeatureMask.Of(Fp, Sse, Ymm, Opmask, ZmmHi256, Hi16Zmm, Pkru, BndRegs, BndCsr, Pasid, CetUser, CetKernel, XtileCfg, XtileData, Apx);
        Assert.Equal(handled, XfeatureMasks.UserSupported | XfeatureMasks.SupervisorSupported);
    }
}
