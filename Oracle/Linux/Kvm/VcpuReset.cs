using Xsave.Contract;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>RESET at vCPU creation (R90) and INIT (R91) of one vCPU: kvm_vcpu_reset and kvm_xstate_reset.</summary>
public sealed class VcpuReset
{
    private readonly Vcpu _vcpu;

    internal VcpuReset(Vcpu vcpu) => _vcpu = vcpu;

    /// <summary>The components INIT zeroes (R91, R29): MPX and CET. Everything else survives INIT.</summary>
    public static readonly FeatureMask InitClearedFeatures =
        FeatureMask.Of(XFeature.BndRegs, XFeature.BndCsr, XFeature.CetUser, XFeature.CetKernel);

    private readonly List<FeatureMask> _xstateClears = [];

    /// <summary>
    /// Every run of kvm_xstate_reset's clearing loop: the components it zeroed (those of the mask whose XSTATE_BV bit
    /// was set). Empty after creation, because RESET clears nothing (H9).
    /// </summary>
    public IReadOnlyList<FeatureMask> XstateClears => _xstateClears;

    /// <summary>
    /// R90 kvm_vcpu_reset(RESET): kvm_xstate_reset does nothing (H9: the guest fpstate is freshly zero-allocated, so
    /// there is nothing to clear); XCR0 := FP through __kvm_set_xcr; IA32_XSS := 0 through a host-initiated MSR write
    /// (whose result is ignored). PKRU keeps its allocation value 0.
    /// </summary>
    internal void ResetEvent()
    {
        XstateReset(initEvent: false);
        _vcpu.Xcrs.SetXcr(VcpuXcrs.XcrXfeatureEnabledMask, FeatureMask.Of(XFeature.Fp));
        _vcpu.Msrs.DoMsrAccess(MsrIndex.Ia32Xss, 0, hostInitiated: true, write: true, out _);
    }

    /// <summary>INIT (kvm_vcpu_reset(INIT)): only the xstate part is modelled (R91); see <see cref="Vcpu.Init"/>.</summary>
    internal void InitEvent() => XstateReset(initEvent: true);

    /// <summary>
    /// R91 kvm_xstate_reset: nothing on RESET (H9); on INIT, mask = (supported_xcr0 | supported_xss) &amp; (MPX | CET);
    /// nothing to do when empty; WARN if wants_to_run differs from in_use; the guest FPU is put first and reloaded after
    /// only if it is in use (H7: putting an unloaded FPU is a KVM_BUG); each masked component is zeroed in the buffer
    /// when its XSTATE_BV bit is set (fpstate_clear_xstate_component; the header bit stays set).
    /// </summary>
    private void XstateReset(bool initEvent)
    {
        if (!initEvent) return;

        var caps = _vcpu.Kvm.Caps;
        var mask = (caps.SupportedXcr0 | caps.SupportedXss) & InitClearedFeatures;
        if (mask.IsEmpty) return;

        var fpu = _vcpu.Fpu;
        var fps = fpu.Fpstate;
        if (_vcpu.WantsToRun != fps.InUse) _vcpu.Warn("kvm_xstate_reset: wants_to_run != fpstate->in_use");
        bool fpuInUse = fps.InUse;
        if (fpuInUse) fpu.PutGuestFpu();

        // H8: iterate over the bits of the 64-bit mask below XFEATURE_MAX.
        var cleared = FeatureMask.None;
        foreach (int i in mask.Indices().Where(i => i < XFeatures.Max))
        {
            int? at = XsaveAddress.Get(_vcpu.Boot, fps, i);
            if (at is null) continue;
            fps.Regs.AsSpan(at.Value, XsaveAddress.Size(_vcpu.Boot, i)).Clear();
            cleared = cleared.With(i);
        }
        _xstateClears.Add(cleared);

        if (fpuInUse) fpu.LoadGuestFpu();
    }
}
