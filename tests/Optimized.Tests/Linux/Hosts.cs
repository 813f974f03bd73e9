namespace Xsave.Optimized.Tests.Linux;

/// <summary>
/// The machines the Linux tests use, with the figures each test expects. Zen 5 is the measured host of KO §1a; the
/// others are corpus profiles whose expected sizes are worked out by hand from their CPUID leaf 0xD in the comments.
/// </summary>
internal static class Hosts
{
    /// <summary>KO §1a: XCR0 0xe7, XSS CET_U|CET_S, XSAVES, no XFD, no PKU.</summary>
    public static BootTables Zen5(KernelConfig? config = null) => BootTables.Build(ObservedHost.Zen5(), config ?? KernelConfig.Default);

    /// <summary>
    /// intel-sapphirerapids-806f8: XCR0 0x602e7 (x87 SSE AVX AVX-512 PKRU TILECFG TILEDATA), XSS 0xdd00 (PT PASID CET_U
    /// CET_S UINTR LBR), XSAVES, XFD, ENQCMD, ARCH_LBR. Sizes: YMM 256, opmask 64, ZMM_Hi256 512, Hi16_ZMM 1024,
    /// PKRU 8, PASID 8, CET_U 16, CET_S 24, TILECFG 64 (aligned, standard offset 0xac0), TILEDATA 8192 (aligned,
    /// standard offset 0xb00).
    /// </summary>
    public const string SapphireRapids = "intel-sapphirerapids-806f8";

    /// <summary>intel-skylake-506e3 (client): XCR0 0x1f (x87 SSE AVX MPX), XSS 0x100 (PT only), XSAVES, no XFD.</summary>
    public const string SkylakeClient = "intel-skylake-506e3";

    /// <summary>amd-zen-800f11 (Zen 1, family 0x17): XCR0 0x7, no XSS, XSAVEC and XSAVES (erratum 1386 clears XSAVES).</summary>
    public const string Zen1 = "amd-zen-800f11";

    public static BootTables Corpus(string id, KernelConfig? config = null) =>
        BootTables.Build(TestSupport.Corpus.Cpu(id), config ?? KernelConfig.Default);

    // Sapphire Rapids compacted sizes, R15 by hand: 576 + 256 + 64 + 512 + 1024 = 2432; + PKRU 8 = 2440; + PASID 8 = 2448;
    // + CET_U 16 = 2464; (+ CET_S 24 = 2488); TILECFG aligned to 2496, + 64 = 2560; TILEDATA aligned 2560, + 8192 = 10752.
    public const uint SprKernelDefaultSize = 2560;
    public const uint SprKernelMaxSize = 10752;
    public const uint SprGuestSize = 2560;
    // Standard: TILECFG ends at 0xac0 + 64 = 2816; TILEDATA ends at 0xb00 + 8192 = 11008 (= CPUID.0xD.0 EBX 0x2b00).
    public const uint SprUserDefaultSize = 2816;
    public const uint SprUserMaxSize = 11008;
    public const ulong SprUserMax = 0x602e7;
    public const ulong SprKernelDefault = 0x20ee7; // user defaults | PASID | CET_U
    public const ulong SprKernelMax = 0x61ee7;     // + CET_S + TILEDATA

    /// <summary>
    /// init_sigframe_size on Sapphire Rapids: round_up(736 + 15 + (11008 + 4 + 112) + 63, 16) = 11952 (the Zen 5 host's
    /// 3376 of KO §1b follows from the same formula with user.max_size 2432).
    /// </summary>
    public const ulong SprMaxFrameSize = 11952;

    public static TaskGroup Start(BootTables b) => TaskLifecycle.Start(b);
}
