using Xsave.Contract;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>What KVM tells a process about XSAVE support (R75, R88). Both depend on the caller's guest permissions.</summary>
public static class KvmCapabilities
{
    /// <summary>sizeof(struct kvm_xsave): the legacy KVM_GET/SET_XSAVE buffer.</summary>
    public const uint KvmXsaveSize = 4096;

    /// <summary>
    /// R75 kvm_get_filtered_xcr0: supported_xcr0, and if it has the dynamic feature (XTILE_DATA), only what the calling
    /// process's guest permissions allow; then, still inside that branch, XTILE_CFG goes too when XTILE_DATA is not
    /// permitted (H10: XCR0 with TILECFG but not TILEDATA would #GP in the guest).
    /// </summary>
    public static FeatureMask FilteredXcr0(KvmModule kvm, LinuxProcess process)
    {
        var permitted = kvm.Caps.SupportedXcr0;
        if (permitted.Overlaps(XfeatureMasks.UserDynamic))
        {
            // xstate_get_guest_group_perm(): the raw __state_perm (supervisor bits and LOCKED fall outside xcr0 bits).
            permitted &= process.GuestPerm.StatePerm;

            // H10: the filter is ~XTILE_CFG, not XTILE_CFG.
            if (!permitted.Contains(XFeature.XtileData))
                permitted = permitted.Without(XFeature.XtileCfg);
        }
        return permitted;
    }

    /// <summary>
    /// R88 KVM_CHECK_EXTENSION for the XSAVE capabilities, asked by <paramref name="process"/>: KVM_CAP_XSAVE = 1,
    /// KVM_CAP_XCRS = host XSAVE, KVM_CAP_XSAVE2 = max(4096, standard size of the filtered XCR0). Other capabilities
    /// are outside this model and answer 0.
    /// </summary>
    public static long CheckExtension(KvmModule kvm, KvmCap cap, LinuxProcess process) => cap switch
    {
        KvmCap.Xsave => 1,
        KvmCap.Xcrs => kvm.Caps.HostXsave ? 1 : 0,
        KvmCap.Xsave2 => Math.Max(KvmXsaveSize, KvmXstateSize.Required(kvm.Boot.Cpu, FilteredXcr0(kvm, process), compacted: false)),
        _ => 0,
    };
}
