namespace Xsave.Contract.Linux;

/// <summary>One struct fpu_state_config (R30) as the contract reports it.</summary>
public sealed record FpuConfigSummary(
    FeatureMask MaxFeatures,
    FeatureMask DefaultFeatures,
    FeatureMask IndependentFeatures,
    uint MaxSize,
    uint DefaultSize);

/// <summary>
/// What boot leaves behind (R30-R45), in the shape of the runner's <c>boot --json</c> output: whether XSAVE is used,
/// the format, the registers written, and the three configurations.
/// </summary>
/// <remarks>
/// A boot can fail (<see cref="Failure"/> not null): fpu__init_cpu_xstate() hands user.max_features to XSETBV without
/// an exception fixup, so a value XSETBV refuses (R8) is a #GP in the kernel and the boot dies (SPEC F3: AMX_TILE
/// without XFD keeps XTILE_CFG but drops XTILE_DATA). Then <see cref="Xcr0"/> is the value XSETBV refused and every
/// other field is zero/false/null. A 64-bit kernel does not boot on a CPU without FPU, FXSR or SSE either
/// (<see cref="RequiredFeaturesFailure"/>, XCR0 0). A failed kernel has no user space: its snapshot is an empty world
/// and no operation may be applied to it (<see cref="IKernel"/>).
/// </remarks>
public sealed record BootSummary(
    bool Xsave,
    bool Compacted,
    string? DisabledReason,
    FeatureMask Xcr0,
    FeatureMask Xss,
    FpuConfigSummary Kernel,
    FpuConfigSummary User,
    FeatureMask GuestFeatures,
    uint GuestSize,
    string? Failure = null)
{
    /// <summary>Whether the boot died (see <see cref="Failure"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Failed => Failure is not null;

    /// <summary>The contract's words for a boot that died at XSETBV: both implementations report exactly this.</summary>
    public static string XsetbvFailure(FeatureMask xcr0) =>
        $"XSETBV #GP in fpu__init_cpu_xstate: XCR0 {xcr0} refused (R8); the kernel dies at boot";

    /// <summary>
    /// The contract's words for a 64-bit kernel on a CPU without the x87/SSE features x86-64 requires (FPU, FXSR, SSE
    /// are REQUIRED_MASK0 bits, Kconfig.cpufeatures X86_REQUIRED_FEATURE_*): verify_cpu (startup_64) refuses the CPU
    /// before any FPU code runs — validate_cpu in the 16-bit setup prints the same list — and without an FPU
    /// fpu__init_system_early_generic would halt as well (no MATH_EMULATION on x86-64). <paramref name="missing"/> is
    /// the space-separated cpuinfo names in the order fpu, fxsr, sse. <see cref="Xcr0"/> is then 0.
    /// </summary>
    public static string RequiredFeaturesFailure(string missing) =>
        $"This kernel requires the following features not present on the CPU: {missing} (64-bit REQUIRED_MASK0, verify_cpu); the kernel does not boot";

    /// <summary>A failed boot's summary: the refused XCR0 and the failure, everything else empty.</summary>
    public static BootSummary FailedAt(FeatureMask xcr0) => FailedWith(xcr0, XsetbvFailure(xcr0));

    /// <summary>A failed boot's summary with its failure text (<see cref="XsetbvFailure"/>, <see cref="RequiredFeaturesFailure"/>).</summary>
    public static BootSummary FailedWith(FeatureMask xcr0, string failure)
    {
        var none = new FpuConfigSummary(FeatureMask.None, FeatureMask.None, FeatureMask.None, 0, 0);
        return new BootSummary(false, false, null, xcr0, FeatureMask.None, none, none, FeatureMask.None, 0, failure);
    }
}
