using System.Numerics;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>RESET at vCPU creation (R90) and INIT (R91): kvm_vcpu_reset and kvm_xstate_reset.</summary>
public sealed class VcpuReset
{
    private readonly Vcpu _vcpu;

    internal VcpuReset(Vcpu vcpu) => _vcpu = vcpu;

    /// <summary>
    /// R90 kvm_vcpu_reset(RESET): nothing is cleared (H9: the guest fpstate is freshly zero-allocated); XCR0 := x87
    /// through __kvm_set_xcr; IA32_XSS := 0 through a host-initiated MSR write whose result is ignored. PKRU keeps its
    /// allocation value 0.
    /// </summary>
    internal void ResetEvent()
    {
        _vcpu.Xcrs.SetXcr(KvmAbi.XcrXfeatureEnabledMask, KvmAbi.MaskFp);
        ulong zero = 0;
        _vcpu.Msrs.DoMsrAccess(KvmAbi.MsrXss, ref zero, hostInitiated: true, write: true);
    }

    /// <summary>
    /// R91 INIT (kvm_vcpu_reset(INIT), from KVM_GET_MP_STATE or inside KVM_RUN): only MPX and CET state is zeroed;
    /// XCR0, XSS, XFD, PKRU and every other component keep their values. Returns 0: INIT is an event, not an ioctl
    /// with a failure path (the contract's VcpuInitOp always reports 0).
    /// </summary>
    public long Init(TaskGroup group)
    {
        var caps = _vcpu.Kvm.Caps;
        ulong mask = (caps.SupportedXcr0 | caps.SupportedXss) & KvmAbi.InitCleared;
        if (mask == 0) return 0;

        var fpu = _vcpu.Fpu;
        var fps = fpu.Fpstate;
        // H7: put (and later reload) the guest FPU only if it is actually loaded.
        if (_vcpu.WantsToRun != fps.InUse) _vcpu.Warn();
        bool inUse = fps.InUse;
        if (inUse) fpu.PutGuestFpu(group);

        // H8: the set bits of the 64-bit mask below XFEATURE_MAX; fpstate_clear_xstate_component zeroes a component
        // only when XSTATE_BV says it holds data, and leaves the header bit set.
        for (ulong m = mask & KvmAbi.Known; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            int at = FpstateOps.XsaveAddr(_vcpu.Boot, fps, i);
            if (at >= 0) fps.Regs.AsSpan(at, FpstateOps.ComponentSize(_vcpu.Boot, i)).Clear();
        }

        if (inUse) fpu.LoadGuestFpu(group);
        return 0;
    }
}
