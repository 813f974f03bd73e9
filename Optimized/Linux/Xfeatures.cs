namespace Xsave.Optimized.Linux;

/// <summary>
/// Component numbers (XFEATURE_*), the XFEATURE_MASK_* constants of arch/x86/include/asm/fpu/xstate.h (SPEC R2) as
/// u64 constants, and the byte layout of struct xregs_state. The optimized implementation's own copy: it shares
/// nothing with the oracle. Single components are masked as <c>1UL &lt;&lt; Xfeatures.Pkru</c>; named masks are
/// composites.
/// </summary>
public static class Xfeatures
{
    public const int Fp = 0, Sse = 1, Ymm = 2, BndRegs = 3, BndCsr = 4, Opmask = 5, ZmmHi256 = 6, Hi16Zmm = 7, Pt = 8,
        Pkru = 9, Pasid = 10, CetUser = 11, CetKernel = 12, Hdc = 13, Uintr = 14, Lbr = 15, Hwp = 16, XtileCfg = 17,
        XtileData = 18, Apx = 19;

    /// <summary>XFEATURE_MAX: component numbers the kernel knows.</summary>
    public const int Max = 20;

    /// <summary>Components 0..19.</summary>
    public const ulong Known = (1UL << Max) - 1;

    public const ulong FpSse = 1UL << Fp | 1UL << Sse;
    public const ulong Mpx = 1UL << BndRegs | 1UL << BndCsr;
    public const ulong Avx512 = 1UL << Opmask | 1UL << ZmmHi256 | 1UL << Hi16Zmm;
    public const ulong Xtile = 1UL << XtileCfg | 1UL << XtileData;
    public const ulong Cet = 1UL << CetUser | 1UL << CetKernel;

    /// <summary>XFEATURE_MASK_USER_SUPPORTED (64-bit build).</summary>
    public const ulong UserSupported = FpSse | 1UL << Ymm | Mpx | Avx512 | 1UL << Pkru | Xtile | 1UL << Apx;

    /// <summary>XFEATURE_MASK_USER_DYNAMIC.</summary>
    public const ulong UserDynamic = 1UL << XtileData;

    /// <summary>XFEATURE_MASK_GUEST_SUPERVISOR.</summary>
    public const ulong GuestSupervisor = 1UL << CetKernel;

    /// <summary>XFEATURE_MASK_SUPERVISOR_SUPPORTED.</summary>
    public const ulong SupervisorSupported = 1UL << Pasid | 1UL << CetUser | GuestSupervisor;

    /// <summary>XFEATURE_MASK_INDEPENDENT.</summary>
    public const ulong Independent = 1UL << Lbr;

    /// <summary>XFEATURE_MASK_SUPERVISOR_UNSUPPORTED.</summary>
    public const ulong SupervisorUnsupported = 1UL << Pt;

    public const ulong SupervisorAll = SupervisorSupported | Independent | SupervisorUnsupported;

    /// <summary>XFEATURE_MASK_FPSTATE = USER_RESTORE (USER_SUPPORTED without PKRU) | SUPERVISOR_SUPPORTED.</summary>
    public const ulong Fpstate = (UserSupported & ~(1UL << Pkru)) | SupervisorSupported;

    /// <summary>FPU_GUEST_PERM_LOCKED, the software bit in fpu_state_perm.__state_perm (R62).</summary>
    public const ulong GuestPermLocked = 1UL << 63;

    /// <summary>XCOMP_BV bit 63: the compacted format.</summary>
    public const ulong CompactedFormat = 1UL << 63;

    // ---- struct fxregs_state / xregs_state ----

    /// <summary>sizeof(struct xregs_state): legacy region and header.</summary>
    public const int XregsStateSize = 576;
    public const int LegacyRegionSize = 512;
    public const int HeaderSize = 64;

    public const int FcwOffset = 0;
    public const int MxcsrOffset = 24;
    public const int MxcsrMaskOffset = 28;
    public const int StSpaceOffset = 32;
    public const int XmmSpaceOffset = 160;
    public const int PaddingOffset = 416;
    public const int SwReservedOffset = 464;
    public const int XstateBvOffset = 512;
    public const int XcompBvOffset = 520;
    public const int HeaderReservedOffset = 528;
    public const int HeaderReservedSize = 48;

    public const ushort InitFcw = 0x37F;
    public const uint InitMxcsr = 0x1F80;

    // fpstate_init_fstate (no FXSR): cwd, swd, twd and fos as u32 with the upper halves set.
    public const uint FsaveInitCwd = 0xFFFF037F;
    public const uint FsaveInitSwd = 0xFFFF0000;
    public const uint FsaveInitTwd = 0xFFFFFFFF;
    public const uint FsaveInitFos = 0xFFFF0000;
    public const int FsaveFosOffset = 24;
}
