using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>Guest XCR0 of one vCPU (R80, R81): __kvm_set_xcr, the XSETBV exit handler, KVM_GET_XCRS and KVM_SET_XCRS.</summary>
public sealed class VcpuXcrs
{
    private readonly Vcpu _vcpu;

    internal VcpuXcrs(Vcpu vcpu) => _vcpu = vcpu;

    /// <summary>XCR_XFEATURE_ENABLED_MASK: the only XCR KVM knows.</summary>
    public const uint XcrXfeatureEnabledMask = 0;

    /// <summary>vcpu->arch.xcr0 (R80).</summary>
    public FeatureMask Xcr0 { get; private set; }

    /// <summary>
    /// R80 __kvm_set_xcr: false (the kernel's 1) when the value is refused. FP is always allowed, even when the guest
    /// CPUID lacks XSAVE (RESET writes it). Unlike the architecture (R9), the reserved check uses guest_supported_xcr0.
    /// </summary>
    internal bool SetXcr(uint index, FeatureMask xcr0)
    {
        // R80: only XCR0.
        if (index != XcrXfeatureEnabledMask) return false;
        // R80: x87 state is always enabled.
        if (!xcr0.Contains(XFeature.Fp)) return false;
        // R80: AVX needs SSE.
        if (xcr0.Contains(XFeature.Ymm) && !xcr0.Contains(XFeature.Sse)) return false;
        // R80: nothing KVM cannot save for this guest.
        var validBits = _vcpu.Cpuid.GuestSupportedXcr0.With(XFeature.Fp);
        if (!xcr0.IsSubsetOf(validBits)) return false;
        // R80: MPX BNDREGS and BNDCSR together.
        if (xcr0.Contains(XFeature.BndRegs) != xcr0.Contains(XFeature.BndCsr)) return false;
        // R80: AVX-512 needs AVX and all three of its components.
        var avx512 = xcr0 & XfeatureMasks.Avx512;
        if (!avx512.IsEmpty && (!xcr0.Contains(XFeature.Ymm) || avx512 != XfeatureMasks.Avx512)) return false;
        // R80: AMX TILECFG and TILEDATA together.
        var xtile = xcr0 & XfeatureMasks.Xtile;
        if (!xtile.IsEmpty && xtile != XfeatureMasks.Xtile) return false;

        var old = Xcr0;
        Xcr0 = xcr0;
        // R77: a change outside x87/SSE changes the guest's 0xD sizes.
        if (((xcr0 ^ old) & XfeatureMasks.Extend) != FeatureMask.None) _vcpu.Cpuid.DynamicBitsDirty = true;
        return true;
    }

    /// <summary>R80 kvm_emulate_xsetbv: the guest's XSETBV; CPL != 0 or a refused value -> #GP(0) injected.</summary>
    public GuestOutcome GuestXsetbv(int cpl, uint ecx, ulong edxEax)
    {
        if (cpl != 0 || !SetXcr(ecx, new FeatureMask(edxEax))) return GuestOutcome.InjectedGp;
        return GuestOutcome.Completed;
    }

    /// <summary>
    /// R81 KVM_GET_XCRS: protected state -> -EINVAL; host without XSAVE -> nr_xcrs = 0; else one entry {0, XCR0},
    /// flags 0.
    /// </summary>
    public KvmRead<KvmXcrs> GetXcrs()
    {
        if (_vcpu.Dead) return new(Errno.EIO, KvmXcrs.Of());
        if (_vcpu.Vm.HasProtectedState) return new(Errno.EINVAL, KvmXcrs.Of());
        if (!_vcpu.Kvm.Caps.HostXsave) return new(KResult.Ok, KvmXcrs.Of());
        return new(KResult.Ok, KvmXcrs.Of(new KvmXcr(XcrXfeatureEnabledMask, Xcr0.Bits)));
    }

    /// <summary>
    /// R81 KVM_SET_XCRS: protected state or host without XSAVE -> -EINVAL; more than 16 entries or flags != 0 ->
    /// -EINVAL; the first entry for XCR0 goes through R80 (-EINVAL when refused); other indices are ignored (KO §3e).
    /// </summary>
    public KResult SetXcrs(KvmXcrs xcrs)
    {
        if (_vcpu.Dead) return Errno.EIO;
        if (_vcpu.Vm.HasProtectedState) return Errno.EINVAL;
        if (!_vcpu.Kvm.Caps.HostXsave) return Errno.EINVAL;
        if (xcrs.Xcrs.Count > KvmXcrs.MaxXcrs || xcrs.Flags != 0) return Errno.EINVAL;

        foreach (var xcr in xcrs.Xcrs)
        {
            if (xcr.Xcr != XcrXfeatureEnabledMask) continue;
            return SetXcr(XcrXfeatureEnabledMask, new FeatureMask(xcr.Value)) ? KResult.Ok : Errno.EINVAL;
        }
        return KResult.Ok;
    }
}
