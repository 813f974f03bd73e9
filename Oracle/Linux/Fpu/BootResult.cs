using Xsave.Contract.Linux;
using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// Everything fpu__init_system() leaves behind (SPEC R30-R45): the three configurations, the register values the
/// kernel writes, init_fpstate and the CPU capabilities as the rest of the kernel sees them afterwards.
/// </summary>
public sealed record BootResult
{
    public required CpuModel Cpu { get; init; }
    public required KernelConfig Config { get; init; }

    /// <summary>XSAVE is in use (X86_FEATURE_XSAVE and OSXSAVE set after boot).</summary>
    public required bool XsaveEnabled { get; init; }

    /// <summary>
    /// X86_FEATURE_XCOMPACTED (R39): XSAVEC or XSAVES. As coded it is set before the late sanity checks and never
    /// cleared, so it can be true although a late check disabled XSAVE; nothing consults it without XSAVE.
    /// </summary>
    public required bool Compacted { get; init; }

    /// <summary>Why XSAVE is not used (absent, "noxsave", or the check that disabled it); null when it is used.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>
    /// Why the boot died (the contract's text, <see cref="BootSummary.XsetbvFailure"/> or
    /// <see cref="BootSummary.RequiredFeaturesFailure"/>); null when it completed. A failed boot has no user space;
    /// <see cref="Xcr0"/> is then the value XSETBV refused (0 when the CPU was refused).
    /// </summary>
    public string? Failure { get; init; }

    /// <summary>XCR0 as written by fpu__init_cpu_xstate (= user.max_features, R40); 0 when XSAVE is not used.</summary>
    public required FeatureMask Xcr0 { get; init; }

    /// <summary>IA32_XSS as written (R40): supervisor() | independent(); 0 without XSAVES.</summary>
    public required FeatureMask Xss { get; init; }

    /// <summary>IA32_XFD as written at boot (= init_fpstate.xfd, R40); 0 without XFD.</summary>
    public required FeatureMask Xfd { get; init; }

    /// <summary>fpu_kernel_cfg.</summary>
    public required FpuStateConfig Kernel { get; init; }

    /// <summary>fpu_user_cfg.</summary>
    public required FpuStateConfig User { get; init; }

    /// <summary>guest_default_cfg.</summary>
    public required VcpuFpuConfig Guest { get; init; }

    /// <summary>init_fpstate (R54). Callers must not modify it: clone it first.</summary>
    public required Fpstate InitFpstate { get; init; }

    /// <summary>init_fpstate.xfd = user.max_features &amp; USER_DYNAMIC (R39), 0 after the disable path (R44).</summary>
    public FeatureMask InitFpstateXfd => InitFpstate.Xfd;

    /// <summary>The CPU capabilities after boot (R34 and R44 clear some; R38a cleared XSAVES before).</summary>
    public required CpuCaps Caps { get; init; }

    /// <summary>mxcsr_feature_mask: reserved MXCSR bits are those outside it (R69). From FXSAVE's MXCSR_MASK.</summary>
    public required uint MxcsrFeatureMask { get; init; }

    /// <summary>The pr_info/pr_err lines of the boot, in order, as the kernel prints them.</summary>
    public required IReadOnlyList<string> KernelLog { get; init; }

    /// <summary>
    /// fpu_state_size_dynamic(): the static key is enabled iff init_fpstate.xfd ≠ 0 (64-bit only). It decides whether
    /// fork inherits permissions (R61) and whether sigaltstack sizes are checked (R66).
    /// </summary>
    public bool DynamicSizing => Config.Is64Bit && !InitFpstateXfd.IsEmpty;

    /// <summary>XFEATURE_MASK_USER_SUPPORTED of this kernel build (no AMX on 32-bit).</summary>
    public FeatureMask UserSupported => KernelMasks.UserSupported(Config);

    /// <summary>xfeatures_mask_supervisor() = kernel.max &amp; SUPERVISOR_SUPPORTED (R40).</summary>
    public FeatureMask SupervisorFeatures => Kernel.MaxFeatures & XfeatureMasks.SupervisorSupported;
}
