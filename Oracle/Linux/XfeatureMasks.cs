using Xsave.Contract;

namespace Xsave.Oracle.Linux;

/// <summary>
/// The Linux and KVM xfeature mask catalogue, exactly as SPEC R2 defines it (arch/x86/include/asm/fpu/xstate.h,
/// arch/x86/kvm/x86.c). The one place these masks are written down.
/// </summary>
public static class XfeatureMasks
{
    private static FeatureMask M(params XFeature[] f) => FeatureMask.Of(f);

    public static readonly FeatureMask FpSse = M(XFeature.Fp, XFeature.Sse);
    public static readonly FeatureMask Xtile = M(XFeature.XtileCfg, XFeature.XtileData);
    public static readonly FeatureMask Avx512 = M(XFeature.Opmask, XFeature.ZmmHi256, XFeature.Hi16Zmm);

    /// <summary>XFEATURE_MASK_USER_SUPPORTED.</summary>
    public static readonly FeatureMask UserSupported =
        M(XFeature.Fp, XFeature.Sse, XFeature.Ymm, XFeature.Opmask, XFeature.ZmmHi256, XFeature.Hi16Zmm, XFeature.Pkru,
          XFeature.BndRegs, XFeature.BndCsr, XFeature.XtileCfg, XFeature.XtileData, XFeature.Apx);

    /// <summary>XFEATURE_MASK_USER_RESTORE: PKRU is switched eagerly, not by XRSTOR on return to user.</summary>
    public static readonly FeatureMask UserRestore = UserSupported.Without(XFeature.Pkru);

    /// <summary>XFEATURE_MASK_USER_DYNAMIC: the only XFD-managed, opt-in feature.</summary>
    public static readonly FeatureMask UserDynamic = M(XFeature.XtileData);

    /// <summary>XFEATURE_MASK_GUEST_SUPERVISOR: enabled by default only in guest FPUs.</summary>
    public static readonly FeatureMask GuestSupervisor = M(XFeature.CetKernel);

    /// <summary>XFEATURE_MASK_SUPERVISOR_SUPPORTED.</summary>
    public static readonly FeatureMask SupervisorSupported = M(XFeature.Pasid, XFeature.CetUser) | GuestSupervisor;

    /// <summary>XFEATURE_MASK_INDEPENDENT: arch LBR, own buffers, never in a task fpstate.</summary>
    public static readonly FeatureMask Independent = M(XFeature.Lbr);

    /// <summary>XFEATURE_MASK_SUPERVISOR_UNSUPPORTED.</summary>
    public static readonly FeatureMask SupervisorUnsupported = M(XFeature.Pt);

    public static readonly FeatureMask SupervisorAll = SupervisorSupported | Independent | SupervisorUnsupported;

    /// <summary>XFEATURE_MASK_FPSTATE: the restore mask of a task or guest fpstate.</summary>
    public static readonly FeatureMask Fpstate = UserRestore | SupervisorSupported;

    /// <summary>XFEATURE_MASK_SIGFRAME_INITOPT: may be left unwritten in signal frames when in init state.</summary>
    public static readonly FeatureMask SigframeInitOpt = Xtile | UserDynamic;

    /// <summary>XFEATURE_MASK_EXTEND = ~(FPSSE | BIT(63)).</summary>
    public static readonly FeatureMask Extend = ~(FpSse | FeatureMask.Bit(63));

    /// <summary>KVM_SUPPORTED_XCR0 (no APX yet).</summary>
    public static readonly FeatureMask KvmSupportedXcr0 =
        M(XFeature.Fp, XFeature.Sse, XFeature.Ymm, XFeature.BndRegs, XFeature.BndCsr, XFeature.Pkru) | Avx512 | Xtile;

    /// <summary>KVM_SUPPORTED_XSS: CET only; PT deliberately unsupported.</summary>
    public static readonly FeatureMask KvmSupportedXss = M(XFeature.CetUser, XFeature.CetKernel);

    /// <summary>Software bit FPU_GUEST_PERM_LOCKED in fpu_state_perm.__state_perm (R62).</summary>
    public static readonly FeatureMask GuestPermLocked = FeatureMask.Bit(63);
}
