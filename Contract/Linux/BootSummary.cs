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
public sealed record BootSummary(
    bool Xsave,
    bool Compacted,
    string? DisabledReason,
    FeatureMask Xcr0,
    FeatureMask Xss,
    FpuConfigSummary Kernel,
    FpuConfigSummary User,
    FeatureMask GuestFeatures,
    uint GuestSize);
