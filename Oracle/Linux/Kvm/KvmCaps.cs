using Xsave.Contract;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>
/// What KVM decided at module load (R73, R74): the host's XCR0/XSS, struct kvm_caps' supported_xcr0/supported_xss, and
/// the kvm_cpu_caps bits that matter for XSAVE (CPUID.(0xD,1).EAX and the CET flags).
/// </summary>
public sealed record KvmCaps
{
    /// <summary>boot_cpu_has(X86_FEATURE_XSAVE) after the FPU setup.</summary>
    public required bool HostXsave { get; init; }

    /// <summary>kvm_host.xcr0 = XGETBV(0) (= user.max_features), 0 without XSAVE.</summary>
    public required FeatureMask HostXcr0 { get; init; }

    /// <summary>kvm_host.xss = RDMSR(IA32_XSS) with XSAVES, else 0.</summary>
    public required FeatureMask HostXss { get; init; }

    /// <summary>kvm_caps.supported_xcr0 = host XCR0 &amp; KVM_SUPPORTED_XCR0.</summary>
    public required FeatureMask SupportedXcr0 { get; init; }

    /// <summary>kvm_caps.supported_xss after kvm_setup_xss_caps.</summary>
    public required FeatureMask SupportedXss { get; init; }

    // kvm_cpu_caps of CPUID.(0xD,1).EAX (kvm_cpu_cap_init(CPUID_D_1_EAX, ...)).
    public required bool Xsaveopt { get; init; }
    public required bool Xsavec { get; init; }
    public required bool Xgetbv1 { get; init; }
    public required bool Xsaves { get; init; }
    /// <summary>X86_64_F(XFD): 64-bit only.</summary>
    public required bool Xfd { get; init; }

    // CET capabilities after kvm_set_cpu_caps and kvm_setup_xss_caps.
    public required bool Shstk { get; init; }
    public required bool Ibt { get; init; }

    /// <summary>CPUID.(0xD,1).EAX as KVM reports it (cpuid_entry_override(CPUID_D_1_EAX)).</summary>
    public uint Leaf0D1Eax =>
        (Xsaveopt ? 1u : 0) | (Xsavec ? 2u : 0) | (Xgetbv1 ? 4u : 0) | (Xsaves ? 8u : 0) | (Xfd ? 16u : 0);
}
