namespace Xsave.Optimized.Linux.Kvm;

/// <summary>Guest XCR0 (R80, R81): __kvm_set_xcr, the XSETBV exit, KVM_GET_XCRS and KVM_SET_XCRS.</summary>
public sealed class VcpuXcrs
{
    private readonly Vcpu _vcpu;

    internal VcpuXcrs(Vcpu vcpu) => _vcpu = vcpu;

    /// <summary>vcpu->arch.xcr0.</summary>
    public ulong Xcr0 { get; private set; }

    private const ulong X87 = KvmAbi.MaskFp, Sse = KvmAbi.MaskSse, Ymm = KvmAbi.MaskYmm;

    /// <summary>
    /// R80 __kvm_set_xcr: false (the kernel's 1) when refused. The reserved-bit check is against guest_supported_xcr0
    /// (plus x87, always allowed, which RESET relies on), not the architectural XCR0 support.
    /// </summary>
    internal bool SetXcr(uint index, ulong xcr0)
    {
        if (index != KvmAbi.XcrXfeatureEnabledMask) return false;
        // R80: x87 always on; AVX needs SSE; nothing this guest cannot use; MPX, AVX-512 (with AVX) and AMX whole.
        if ((xcr0 & X87) == 0) return false;
        if ((xcr0 & (Sse | Ymm)) == Ymm) return false;
        if ((xcr0 & ~(_vcpu.Cpuid.GuestSupportedXcr0 | X87)) != 0) return false;
        if ((xcr0 & KvmAbi.Mpx) != 0 && (xcr0 & KvmAbi.Mpx) != KvmAbi.Mpx) return false;
        if ((xcr0 & KvmAbi.Avx512) != 0 && ((xcr0 & Ymm) == 0 || (xcr0 & KvmAbi.Avx512) != KvmAbi.Avx512)) return false;
        if ((xcr0 & KvmAbi.Xtile) != 0 && (xcr0 & KvmAbi.Xtile) != KvmAbi.Xtile) return false;

        ulong old = Xcr0;
        Xcr0 = xcr0;
        // R77: the guest's 0xD sizes depend on the extended bits.
        if (((xcr0 ^ old) & KvmAbi.Extend) != 0) _vcpu.Cpuid.DynamicBitsDirty = true;
        return true;
    }

    /// <summary>R80 kvm_emulate_xsetbv: CPL != 0 or a refused value -> #GP(0) injected (false).</summary>
    public bool GuestXsetbv(int cpl, uint ecx, ulong edxEax) => cpl == 0 && SetXcr(ecx, edxEax);

    /// <summary>
    /// R81 KVM_GET_XCRS: protected state -> -EINVAL; host without XSAVE -> nr_xcrs = 0 (<paramref name="hasXcr0"/>
    /// false); else one entry {XCR0, value}.
    /// </summary>
    public long GetXcrs(out bool hasXcr0, out ulong xcr0)
    {
        hasXcr0 = false;
        xcr0 = 0;
        if (_vcpu.Vm.Dead) return Vcpu.Errors.EIO;
        if (_vcpu.Vm.HasProtectedState) return Vcpu.Errors.EINVAL;
        if (!_vcpu.Kvm.Caps.HostXsave) return 0;
        hasXcr0 = true;
        xcr0 = Xcr0;
        return 0;
    }

    /// <summary>
    /// R81 KVM_SET_XCRS: protected state, host without XSAVE, more than KVM_MAX_XCRS entries or flags != 0 -> -EINVAL;
    /// the first entry for XCR0 goes through R80 (-EINVAL when refused); other indices are ignored (KO §3e).
    /// </summary>
    public long SetXcrs(uint flags, IReadOnlyList<Contract.Linux.XcrEntry> xcrs)
    {
        if (_vcpu.Vm.Dead) return Vcpu.Errors.EIO;
        if (_vcpu.Vm.HasProtectedState || !_vcpu.Kvm.Caps.HostXsave) return Vcpu.Errors.EINVAL;
        if (xcrs.Count > KvmAbi.MaxXcrs || flags != 0) return Vcpu.Errors.EINVAL;
        for (int k = 0; k < xcrs.Count; k++)
        {
            if (xcrs[k].Xcr != KvmAbi.XcrXfeatureEnabledMask) continue;
            return SetXcr(KvmAbi.XcrXfeatureEnabledMask, xcrs[k].Value) ? 0 : Vcpu.Errors.EINVAL;
        }
        return 0;
    }
}
