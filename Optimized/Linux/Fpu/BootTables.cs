using System.Numerics;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Optimized.Architecture;

namespace Xsave.Optimized.Linux.Fpu;

/// <summary>struct fpu_state_config (R30): fpu_kernel_cfg or fpu_user_cfg.</summary>
public readonly record struct FpuStateConfig(
    uint MaxSize, uint DefaultSize, ulong MaxFeatures, ulong DefaultFeatures, ulong LegacyFeatures, ulong IndependentFeatures);

/// <summary>struct vcpu_fpu_config guest_default_cfg (R30).</summary>
public readonly record struct GuestConfig(uint Size, ulong Features);

/// <summary>
/// Everything fpu__init_system() computes, once per boot (SPEC R30-R45, R38a): the three configurations, the register
/// values written, init_fpstate, the boot CPU's capabilities after the xstate setup, and the per-component tables
/// the UABI copies walk (xstate_offsets/xstate_sizes and the uncompacted order). Read-only after <see cref="Build"/>.
/// </summary>
public sealed class BootTables
{
    /// <summary>sizeof(init_fpstate.regs): union fpregs_state padded to PAGE_SIZE (R42).</summary>
    public const uint InitFpstateBufferSize = 4096;

    /// <summary>sizeof(struct fxregs_state) and sizeof(struct fregs_state) (R43).</summary>
    public const uint FxregsSize = 512, FregsSize = 112;

    /// <summary>mxcsr_feature_mask when FXSAVE reports MXCSR_MASK = 0.</summary>
    public const uint DefaultMxcsrFeatureMask = 0xFFBF;

    public readonly CpuModel Cpu;
    public readonly XstateTables Tables;
    public readonly KernelConfig Config;

    /// <summary>boot_cpu_data after boot: R34 and R44 clear bits, R38a cleared XSAVES before.</summary>
    public readonly CpuCaps Caps;

    /// <summary>XSAVE in use (XSAVE and OSXSAVE set after boot).</summary>
    public readonly bool XsaveEnabled;

    /// <summary>X86_FEATURE_XCOMPACTED; as coded never cleared by a late disable.</summary>
    public readonly bool Compacted;

    public readonly string? DisabledReason;

    /// <summary>The boot died (XSETBV refused the XCR0 written, or a 64-bit kernel lacks FPU/FXSR/SSE): no user space.</summary>
    public readonly bool Failed;

    private readonly string? _failure;

    /// <summary>XCR0 (= user.max_features), IA32_XSS and IA32_XFD as written by fpu__init_cpu_xstate (R40).</summary>
    public readonly ulong Xcr0, Xss, Xfd;

    public readonly FpuStateConfig Kernel;
    public readonly FpuStateConfig User;
    public readonly GuestConfig Guest;

    /// <summary>XFEATURE_MASK_USER_SUPPORTED of this build (no AMX on 32-bit).</summary>
    public readonly ulong UserSupported;

    /// <summary>mxcsr_feature_mask (R69).</summary>
    public readonly uint MxcsrFeatureMask;

    /// <summary>init_fpstate.xfd (R39), 0 after the disable path.</summary>
    public readonly ulong InitFpstateXfd;

    /// <summary>init_fpstate.regs, kernel.default_size bytes (legacy size without XSAVE). Never written after boot.</summary>
    public readonly byte[] InitFpstateRegs;

    /// <summary>fpu_state_size_dynamic(): init_fpstate.xfd ≠ 0 on a 64-bit kernel.</summary>
    public readonly bool DynamicSizing;

    /// <summary>init_fpstate_copy_size(): 576 with XSAVE, kernel.default_size without (R54).</summary>
    public readonly int InitCopySize;

    /// <summary>The value of xstate_fx_sw_bytes word 0 written into UABI images (R70): user.max_features.</summary>
    public readonly ulong FxSwXcr0;

    /// <summary>
    /// fpu_default_state_size = fpu__get_fpstate_size(): user.max_size, + 4 (FP_XSTATE_MAGIC2) with XSAVE, + 112 (the
    /// fsave header) with IA32 emulation (or a 32-bit kernel) and FXSR.
    /// </summary>
    public readonly uint FpuDefaultStateSize;

    /// <summary>
    /// max_frame_size (init_sigframe_size, AT_MINSIGSTKSZ): round_up(MAX_FRAME_SIGINFO_UCTXT_SIZE + 15 +
    /// fpu_default_state_size + 63, 16), the first term being sizeof(struct sigframe_ia32) = 736 on 64-bit kernels with
    /// IA32 emulation (732 on 32-bit ones), else sizeof(struct rt_sigframe) = 440. KO §1b: 3376 on the Zen 5 host.
    /// </summary>
    public readonly ulong MaxFrameSize;

    // xstate_offsets[] / xstate_sizes[] for 0..19 (FP = 0/160, SSE = 160/256, others from CPUID).
    private readonly int[] _uabiOffset = new int[Xfeatures.Max];
    private readonly int[] _uabiSize = new int[Xfeatures.Max];

    // xfeature_uncompact_order: extended user components of user.max in ascending standard offset.
    private readonly int[] _uncompactOrder;

    // Compacted offsets (xstate_comp_offsets) of the three configurations' feature sets — kernel.max, kernel.default
    // and guest_default_cfg — which nearly every buffer's XCOMP_BV is; other sets are computed on demand.
    private readonly ulong[] _offsetMasks;
    private readonly int[][] _offsets;

    private BootTables(CpuModel cpu, KernelConfig config, XstateTables tables, in BootState s)
    {
        _offsetMasks = [s.Kernel.MaxFeatures, s.Kernel.DefaultFeatures, s.Guest.Features];
        _offsets = new int[_offsetMasks.Length][];
        for (int k = 0; k < _offsetMasks.Length; k++)
        {
            _offsets[k] = new int[64];
            for (int i = 2; i < 63; i++) _offsets[k][i] = tables.CompactedOffset(_offsetMasks[k], i);
        }

        Cpu = cpu;
        Config = config;
        Tables = tables;
        Caps = s.Caps;
        XsaveEnabled = s.XsaveEnabled;
        Compacted = s.Compacted;
        DisabledReason = s.DisabledReason;
        Failed = s.Failed;
        _failure = s.Failure;
        Xcr0 = s.Xcr0;
        Xss = s.Xss;
        Xfd = s.Xfd;
        Kernel = s.Kernel;
        User = s.User;
        Guest = s.Guest;
        UserSupported = s.UserSupported;
        MxcsrFeatureMask = s.MxcsrFeatureMask;
        InitFpstateXfd = s.InitXfd;
        InitFpstateRegs = s.InitRegs;
        DynamicSizing = config.Is64Bit && s.InitXfd != 0;
        InitCopySize = XsaveEnabled ? Xfeatures.XregsStateSize : (int)Kernel.DefaultSize;
        FxSwXcr0 = User.MaxFeatures;

        uint fpstate = User.MaxSize;
        if (XsaveEnabled) fpstate += 4;
        if ((config.Ia32Emulation || !config.Is64Bit) && Has(CpuCaps.Fxsr)) fpstate += FregsSize;
        FpuDefaultStateSize = fpstate;
        ulong siginfoUctxt = !config.Is64Bit ? 732u : config.Ia32Emulation ? 736u : 440u;
        MaxFrameSize = (siginfoUctxt + 15 + fpstate + 63 + 15) & ~15UL;

        _uabiOffset[Xfeatures.Sse] = Xfeatures.XmmSpaceOffset;
        _uabiSize[Xfeatures.Fp] = Xfeatures.XmmSpaceOffset;
        _uabiSize[Xfeatures.Sse] = 256;
        for (int i = 2; i < Xfeatures.Max; i++)
        {
            _uabiOffset[i] = tables.StandardOffset(i);
            _uabiSize[i] = tables.Size(i);
        }

        // Sorted once at boot, like the kernel's xfeature_uncompact_order (ties keep component order).
        ulong extended = User.MaxFeatures & ~Xfeatures.FpSse & ((1UL << Xfeatures.Max) - 1);
        _uncompactOrder = new int[BitOperations.PopCount(extended)];
        for (int n = 0; extended != 0; extended &= extended - 1)
        {
            int i = BitOperations.TrailingZeroCount(extended);
            int k = n++;
            while (k > 0 && _uabiOffset[_uncompactOrder[k - 1]] > _uabiOffset[i])
            {
                _uncompactOrder[k] = _uncompactOrder[k - 1];
                k--;
            }
            _uncompactOrder[k] = i;
        }
    }

    public bool Has(CpuCaps cap) => (Caps & cap) == cap;

    /// <summary>
    /// xfeature_get_offset (R15): the compacted offset of component <paramref name="i"/> (2..62) in a buffer with this
    /// XCOMP_BV; a table read for the three boot-time feature sets.
    /// </summary>
    public int CompactedOffset(ulong xcompBv, int i)
    {
        ulong mask = xcompBv & ~Xfeatures.CompactedFormat;
        for (int k = 0; k < _offsetMasks.Length; k++)
            if (_offsetMasks[k] == mask) return _offsets[k][i];
        return Tables.CompactedOffset(mask, i);
    }

    /// <summary>xstate_offsets[i]: standard-format (UABI) offset of component i &lt; 20.</summary>
    public int UabiOffset(int i) => _uabiOffset[i];

    /// <summary>xstate_sizes[i]: FP 160, SSE 256, CPUID EAX beyond.</summary>
    public int UabiSize(int i) => _uabiSize[i];

    /// <summary>The extended user components of user.max_features in ascending standard offset.</summary>
    public ReadOnlySpan<int> UncompactOrder => _uncompactOrder;

    /// <summary>
    /// xstate_calculate_size (R46): 576 when nothing beyond FP/SSE; compacted: the compacted size of the mask;
    /// standard: the end of the furthest user component.
    /// </summary>
    public uint CalculateSize(ulong mask, bool compacted)
    {
        if ((mask & ~Xfeatures.FpSse) == 0) return Xfeatures.XregsStateSize;
        return compacted ? (uint)Tables.CompactedSize(mask) : (uint)Tables.StandardSize(mask & UserSupported);
    }

    /// <summary>
    /// Runs the boot (fpu__init_system, R32-R45) for one CPU and kernel configuration. Never throws for any model:
    /// every inconsistency ends in the legacy or disable path, as in the kernel.
    /// </summary>
    public static BootTables Build(CpuModel cpu, KernelConfig config)
    {
        var tables = new XstateTables(cpu);
        var state = FpuInit.Run(cpu, config, tables);
        return new BootTables(cpu, config, tables, state);
    }

    /// <summary>The contract's summary of this boot.</summary>
    public BootSummary Summary() => Failed ? BootSummary.FailedWith(new FeatureMask(Xcr0), _failure!) : new(XsaveEnabled, Compacted, DisabledReason, new FeatureMask(Xcr0), new FeatureMask(Xss),
        Summarize(Kernel), Summarize(User), new FeatureMask(Guest.Features), Guest.Size);

    private static FpuConfigSummary Summarize(in FpuStateConfig c) => new(new FeatureMask(c.MaxFeatures),
        new FeatureMask(c.DefaultFeatures), new FeatureMask(c.IndependentFeatures), c.MaxSize, c.DefaultSize);
}

/// <summary>What <see cref="FpuInit"/> hands to <see cref="BootTables"/>.</summary>
internal struct BootState
{
    public CpuCaps Caps;
    public bool XsaveEnabled, Compacted, Failed;
    public string? DisabledReason, Failure;
    public ulong Xcr0, Xss, Xfd, InitXfd, UserSupported;
    public FpuStateConfig Kernel, User;
    public GuestConfig Guest;
    public uint MxcsrFeatureMask;
    public byte[] InitRegs;
}
