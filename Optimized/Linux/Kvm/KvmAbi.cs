namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// KVM's own masks (arch/x86/kvm/x86.c, SPEC R2) and the uAPI numbers of the modelled ioctls and MSRs
/// (include/uapi/linux/kvm.h, SDM Vol.4), as u64/u32 constants.
/// </summary>
public static class KvmAbi
{
    // Component numbers and masks KVM's paths name (SPEC R1, R2).
    public const int Fp = 0, Sse = 1, Ymm = 2, BndRegs = 3, BndCsr = 4, Opmask = 5, ZmmHi256 = 6, Hi16Zmm = 7, Pkru = 9,
        Pasid = 10, CetUser = 11, CetKernel = 12, XtileCfg = 17, XtileData = 18, Apx = 19, XfeatureMax = 20;

    public const ulong MaskFp = 1UL << Fp, MaskSse = 1UL << Sse, MaskYmm = 1UL << Ymm, MaskPkru = 1UL << Pkru,
        MaskXtileCfg = 1UL << XtileCfg, MaskXtileData = 1UL << XtileData;
    public const ulong FpSse = MaskFp | MaskSse;
    public const ulong Mpx = 1UL << BndRegs | 1UL << BndCsr;
    public const ulong Avx512 = 1UL << Opmask | 1UL << ZmmHi256 | 1UL << Hi16Zmm;
    public const ulong Xtile = MaskXtileCfg | MaskXtileData;
    public const ulong Cet = 1UL << CetUser | 1UL << CetKernel;

    /// <summary>Components 0..XFEATURE_MAX-1.</summary>
    public const ulong Known = (1UL << XfeatureMax) - 1;

    /// <summary>XFEATURE_MASK_USER_DYNAMIC.</summary>
    public const ulong UserDynamic = MaskXtileData;

    /// <summary>XFEATURE_MASK_FPSTATE: USER_SUPPORTED (x87, SSE, AVX, MPX, AVX-512, AMX, APX; PKRU excluded) and
    /// SUPERVISOR_SUPPORTED (PASID, CET_USER, CET_KERNEL): the restore mask of a guest fpstate.</summary>
    public const ulong FpstateRestore = FpSse | MaskYmm | Mpx | Avx512 | Xtile | 1UL << Apx | 1UL << Pasid | Cet;

    // struct xregs_state byte offsets.
    public const int MxcsrOffset = 24, LegacySize = 512, XstateBvOffset = 512, XstateSize = 576;

    /// <summary>KVM_SUPPORTED_XCR0 (R2): no APX yet.</summary>
    public const ulong SupportedXcr0 = FpSse | MaskYmm | Mpx | Avx512 | MaskPkru | Xtile;

    /// <summary>KVM_SUPPORTED_XSS (R2): CET only, PT deliberately not.</summary>
    public const ulong SupportedXss = Cet;

    /// <summary>XFEATURE_MASK_EXTEND = ~(FP | SSE | bit 63): XCR0 changes there dirty the guest CPUID (R77).</summary>
    public const ulong Extend = ~(FpSse | 1UL << 63);

    /// <summary>The components kvm_xstate_reset zeroes on INIT (R91): MPX and CET.</summary>
    public const ulong InitCleared = Mpx | Cet;

    /// <summary>sizeof(struct kvm_xsave).</summary>
    public const int KvmXsaveSize = 4096;

    /// <summary>KVM_MAX_CPUID_ENTRIES, KVM_MAX_XCRS.</summary>
    public const int MaxCpuidEntries = 256, MaxXcrs = 16;

    /// <summary>KVM_CPUID_FLAG_SIGNIFCANT_INDEX (sic).</summary>
    public const uint CpuidFlagSignificantIndex = 1;

    /// <summary>cpuid_function_is_indexed (asm/cpuid/api.h) for functions 0..63, one bit each: 4, 7, 0xB, 0xD, 0xF,
    /// 0x10, 0x12, 0x14, 0x17, 0x18, 0x1D, 0x1E, 0x1F, 0x24. The only indexed extended function is 0x8000001D.</summary>
    private const ulong IndexedBasicFunctions = 0x10_E195_A890UL;
    private const uint IndexedExtendedFunction = 0x8000001D;

    /// <summary>The flags an entry of the contract's KVM_SET_CPUID2 table stands for: SIGNIFCANT_INDEX exactly for the
    /// indexed functions (what KVM_GET_SUPPORTED_CPUID reports and QEMU passes; KVM keeps userspace's flags, and R78/R79's lookups
    /// depend on them).</summary>
    public static uint CpuidUserFlags(uint function) =>
        (function < 64 ? (IndexedBasicFunctions >> (int)function & 1) != 0 : function == IndexedExtendedFunction)
            ? CpuidFlagSignificantIndex : 0;

    /// <summary>XCR_XFEATURE_ENABLED_MASK: the only XCR.</summary>
    public const uint XcrXfeatureEnabledMask = 0;

    // KVM_CHECK_EXTENSION numbers.
    public const int CapXsave = 55, CapXcrs = 56, CapXsave2 = 208;

    // CPUID.(0xD,1).EAX bits (R5).
    public const uint Leaf0D1Xsaveopt = 1, Leaf0D1Xsavec = 2, Leaf0D1Xgetbv1 = 4, Leaf0D1Xsaves = 8, Leaf0D1Xfd = 16;

    // Other CPUID bits KVM consults: CPUID.1:ECX.XSAVE, CPUID.7.0:ECX.CET_SS, CPUID.7.0:EDX.CET_IBT.
    public const uint Leaf1EcxXsave = 1u << 26, Leaf7EcxShstk = 1u << 7, Leaf7EdxIbt = 1u << 20;

    // MSR numbers (SDM Vol.4).
    public const uint MsrXss = 0xDA0, MsrXfd = 0x1C4, MsrXfdErr = 0x1C5;
    public const uint MsrUCet = 0x6A0, MsrSCet = 0x6A2, MsrPl0Ssp = 0x6A4, MsrPl1Ssp = 0x6A5, MsrPl2Ssp = 0x6A6, MsrPl3Ssp = 0x6A7;
}
