using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>Module parameters the modelled paths read: tdp_enabled and kvm-intel's allow_smaller_maxphyaddr (R74).</summary>
public readonly record struct KvmModuleParams(bool TdpEnabled = true, bool AllowSmallerMaxphyaddr = false)
{
    public static KvmModuleParams Default => new(true, false);
}

/// <summary>
/// kvm_caps and kvm_host as kvm_x86_vendor_init leaves them (R73, R74): computed once when the module loads, read-only
/// afterwards. Masks are u64; the CPUID.(0xD,1).EAX KVM reports is precomputed.
/// </summary>
public sealed class KvmCaps
{
    /// <summary>boot_cpu_has(X86_FEATURE_XSAVE) after the FPU setup.</summary>
    public readonly bool HostXsave;

    /// <summary>kvm_host.xcr0 (XGETBV(0) = user.max_features) and kvm_host.xss (RDMSR(IA32_XSS) with XSAVES).</summary>
    public readonly ulong HostXcr0, HostXss;

    /// <summary>kvm_caps.supported_xcr0 / supported_xss.</summary>
    public readonly ulong SupportedXcr0, SupportedXss;

    /// <summary>kvm_cpu_caps: CPUID.(0xD,1).EAX as KVM advertises it, and the CET flags after kvm_setup_xss_caps.</summary>
    public readonly uint Leaf0D1Eax;
    public readonly bool Xsaves, Xfd, Shstk, Ibt;

    private KvmCaps(bool hostXsave, ulong hostXcr0, ulong hostXss, ulong supportedXcr0, ulong supportedXss,
        uint leaf0D1Eax, bool shstk, bool ibt)
    {
        HostXsave = hostXsave;
        HostXcr0 = hostXcr0;
        HostXss = hostXss;
        SupportedXcr0 = supportedXcr0;
        SupportedXss = supportedXss;
        Leaf0D1Eax = leaf0D1Eax;
        Xsaves = (leaf0D1Eax & KvmAbi.Leaf0D1Xsaves) != 0;
        Xfd = (leaf0D1Eax & KvmAbi.Leaf0D1Xfd) != 0;
        Shstk = shstk;
        Ibt = ibt;
    }

    /// <summary>
    /// kvm_x86_vendor_init, the FPU part: -EOPNOTSUPP without FPU and FXSR; else the caps. (The -EIO for supervisor
    /// shadow stacks in the host's S_CET cannot happen: Linux never enables them.)
    /// </summary>
    public static long Load(BootTables boot, KvmModuleParams p, out KvmCaps? caps)
    {
        caps = null;
        // R73: KVM needs an FPU with FXSAVE/FXRSTOR.
        if (!boot.Has(CpuCaps.Fpu | CpuCaps.Fxsr)) return -(long)Errno.EOPNOTSUPP;

        bool xsave = boot.Has(CpuCaps.Xsave);
        bool xsaves = boot.Has(CpuCaps.Xsaves);

        // R73: supported = what the host enabled, restricted to what KVM knows. The host XCR0 passed XSETBV, so every
        // bundle is whole (H19).
        ulong hostXcr0 = xsave ? boot.Xcr0 : 0;
        ulong hostXss = xsaves ? boot.Xss : 0;
        ulong supportedXcr0 = hostXcr0 & KvmAbi.SupportedXcr0;
        ulong supportedXss = hostXss & KvmAbi.SupportedXss;

        // R74 kvm_set_cpu_caps: SHSTK needs TDP and a 64-bit kernel; allow_smaller_maxphyaddr drops SHSTK and IBT.
        bool shstk = boot.Has(CpuCaps.Shstk) && p.TdpEnabled && boot.Config.Is64Bit && !p.AllowSmallerMaxphyaddr;
        bool ibt = boot.Has(CpuCaps.Ibt) && !p.AllowSmallerMaxphyaddr;

        // R74 kvm_setup_xss_caps: no XSAVES, no XSS; no SHSTK/IBT, no CET; CET_USER/CET_KERNEL all or nothing.
        if (!xsaves) supportedXss = 0;
        if (!shstk && !ibt) supportedXss &= ~KvmAbi.Cet;
        if ((supportedXss & KvmAbi.Cet) != KvmAbi.Cet)
        {
            shstk = false;
            ibt = false;
            supportedXss &= ~KvmAbi.Cet;
        }

        // kvm_cpu_cap_init(CPUID_D_1_EAX, XSAVEOPT, XSAVEC, XGETBV1, XSAVES, X86_64_F(XFD)): the host's effective bits.
        uint eax1 = (boot.Has(CpuCaps.Xsaveopt) ? KvmAbi.Leaf0D1Xsaveopt : 0)
                    | (boot.Has(CpuCaps.Xsavec) ? KvmAbi.Leaf0D1Xsavec : 0)
                    | (boot.Has(CpuCaps.Xgetbv1) ? KvmAbi.Leaf0D1Xgetbv1 : 0)
                    | (xsaves ? KvmAbi.Leaf0D1Xsaves : 0)
                    | (boot.Has(CpuCaps.Xfd) && boot.Config.Is64Bit ? KvmAbi.Leaf0D1Xfd : 0);

        caps = new KvmCaps(xsave, hostXcr0, hostXss, supportedXcr0, supportedXss, eax1, shstk, ibt);
        return 0;
    }

    /// <summary>
    /// R75 kvm_get_filtered_xcr0 for a process whose raw guest permission is <paramref name="guestPerm"/>: the dynamic
    /// feature only when permitted, and XTILE_CFG only together with XTILE_DATA (H10: the mask is ~XTILE_CFG).
    /// </summary>
    public ulong FilteredXcr0(ulong guestPerm)
    {
        ulong permitted = SupportedXcr0;
        if ((permitted & KvmAbi.UserDynamic) != 0)
        {
            permitted &= guestPerm;
            if ((permitted & KvmAbi.UserDynamic) == 0) permitted &= ~KvmAbi.MaskXtileCfg;
        }
        return permitted;
    }
}
