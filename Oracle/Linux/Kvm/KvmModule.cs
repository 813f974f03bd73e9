using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>The result of loading kvm + kvm-intel/kvm-amd: 0 and the module, or the errno of kvm_x86_vendor_init.</summary>
public sealed record KvmLoad(KResult Result, KvmModule? Module);

/// <summary>
/// The loaded KVM module on a booted kernel (SPEC C1): its capabilities, decided once at load time (R73, R74).
/// </summary>
public sealed class KvmModule
{
    private KvmModule(BootResult boot, KvmModuleParams options, KvmCaps caps)
    {
        Boot = boot;
        Options = options;
        Caps = caps;
    }

    public BootResult Boot { get; }
    public KvmModuleParams Options { get; }
    public KvmCaps Caps { get; }

    /// <summary>
    /// kvm_x86_vendor_init, the FPU part. Not modelled: the -EIO refusal when the host has supervisor shadow stacks
    /// enabled in S_CET (Linux never enables them), and vendor-specific clearing (e.g. VMX without MPX controls).
    /// </summary>
    public static KvmLoad Load(BootResult boot, KvmModuleParams? options = null)
    {
        options ??= KvmModuleParams.Default;
        var cpu = boot.Caps;

        // R73: KVM assumes an FPU with FXSAVE/FXRSTOR ("inadequate fpu").
        if (!cpu.Has(CpuCap.Fpu) || !cpu.Has(CpuCap.Fxsr)) return new(Errno.EOPNOTSUPP, null);

        // R73: host XCR0 as XGETBV(0) reads it (= user.max_features, R40); supported_xcr0 is its KVM-known part.
        // H19: this keeps every bundle (MPX, AVX-512, AMX) whole because the host XCR0 was accepted by XSETBV, which
        // refuses half bundles (R8); I18 checks it over the corpus.
        var hostXcr0 = cpu.Has(CpuCap.Xsave) ? boot.Xcr0 : FeatureMask.None;
        var supportedXcr0 = hostXcr0 & XfeatureMasks.KvmSupportedXcr0;

        // R73: host XSS as RDMSR(IA32_XSS) reads it, with XSAVES only.
        var hostXss = cpu.Has(CpuCap.Xsaves) ? boot.Xss : FeatureMask.None;
        var supportedXss = hostXss & XfeatureMasks.KvmSupportedXss;

        // kvm_set_cpu_caps: the CPUID.(0xD,1).EAX bits and CET flags KVM can offer are the host's effective ones.
        // R74: SHSTK needs TDP and a 64-bit kernel; allow_smaller_maxphyaddr clears SHSTK and IBT.
        bool shstk = cpu.Has(CpuCap.Shstk) && options.TdpEnabled && boot.Config.Is64Bit && !options.AllowSmallerMaxphyaddr;
        bool ibt = cpu.Has(CpuCap.Ibt) && !options.AllowSmallerMaxphyaddr;

        // R74 kvm_setup_xss_caps: no XSAVES -> no XSS at all.
        if (!cpu.Has(CpuCap.Xsaves)) supportedXss = FeatureMask.None;
        // R74: neither SHSTK nor IBT -> no CET state.
        if (!shstk && !ibt) supportedXss = supportedXss.Except(ArchMasks.Cet);
        // R74: CET_USER and CET_KERNEL all-or-nothing; without both, SHSTK and IBT go too.
        if ((supportedXss & ArchMasks.Cet) != ArchMasks.Cet)
        {
            shstk = false;
            ibt = false;
            supportedXss = supportedXss.Except(ArchMasks.Cet);
        }

        var caps = new KvmCaps
        {
            HostXsave = cpu.Has(CpuCap.Xsave),
            HostXcr0 = hostXcr0,
            HostXss = hostXss,
            SupportedXcr0 = supportedXcr0,
            SupportedXss = supportedXss,
            Xsaveopt = cpu.Has(CpuCap.Xsaveopt),
            Xsavec = cpu.Has(CpuCap.Xsavec),
            Xgetbv1 = cpu.Has(CpuCap.Xgetbv1),
            Xsaves = cpu.Has(CpuCap.Xsaves),
            Xfd = cpu.Has(CpuCap.Xfd) && boot.Config.Is64Bit,
            Shstk = shstk,
            Ibt = ibt,
        };
        return new(KResult.Ok, new KvmModule(boot, options, caps));
    }

    /// <summary>
    /// KVM_GET_DEVICE_ATTR(group 0, KVM_X86_XCOMP_GUEST_SUPP) on /dev/kvm: the *unfiltered* supported_xcr0 (R75).
    /// </summary>
    public FeatureMask XcompGuestSupp => Caps.SupportedXcr0;
}
