using Xsave.Contract.Linux;
using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// The masks of <see cref="XfeatureMasks"/> as a given kernel build sees them. The only build difference modelled: on a
/// 32-bit kernel XFEATURE_MASK_XTILE is 0 (SPEC conventions), so AMX is not user-supported there.
/// </summary>
public static class KernelMasks
{
    /// <summary>XFEATURE_MASK_USER_SUPPORTED of this build.</summary>
    public static FeatureMask UserSupported(KernelConfig config) =>
        config.Is64Bit ? XfeatureMasks.UserSupported : XfeatureMasks.UserSupported.Except(XfeatureMasks.Xtile);

    /// <summary>
    /// The host default mask of R39 under each CET supervisor policy: the merged kernel excludes USER_DYNAMIC and
    /// GUEST_SUPERVISOR (host_default_mask()); AllTasks keeps CET_KERNEL in every task's fpstate.
    /// </summary>
    public static FeatureMask HostDefaultMask(KernelConfig config) => config.Policy switch
    {
        CetSupervisorPolicy.AllTasks => ~XfeatureMasks.UserDynamic,
        _ => ~(XfeatureMasks.UserDynamic | XfeatureMasks.GuestSupervisor),
    };

    /// <summary>The guest default mask of R39 (guest_default_mask()): every policy excludes only USER_DYNAMIC.</summary>
    public static FeatureMask GuestDefaultMask(KernelConfig config) => ~XfeatureMasks.UserDynamic;
}
