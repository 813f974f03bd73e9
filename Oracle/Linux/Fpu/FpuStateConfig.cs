using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// struct fpu_state_config (SPEC R30): one of fpu_kernel_cfg (kernel buffers, compacted when XSAVES/XSAVEC, with
/// supervisor states) and fpu_user_cfg (the UABI: standard format, user features only). Read-only after boot.
/// </summary>
public sealed record FpuStateConfig(
    uint MaxSize,
    uint DefaultSize,
    FeatureMask MaxFeatures,
    FeatureMask DefaultFeatures,
    FeatureMask LegacyFeatures,
    FeatureMask IndependentFeatures);

/// <summary>struct vcpu_fpu_config guest_default_cfg (SPEC R30): default size and features of guest fpstates.</summary>
public sealed record VcpuFpuConfig(uint Size, FeatureMask Features);
