using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>
/// The guest FPU of one vCPU: vcpu->arch.guest_fpu (struct fpu_guest, R50, R55), vcpu->arch.pkru, loading and putting
/// it around KVM_RUN (R86, I20), kernel-mode FPU use on the vCPU thread, and guest XFD updates (R87, H6). The registers
/// are modelled by the active fpstate's buffer: a save applies the XFD rule of R27 (an XFD-disabled component is saved
/// as not in use); a restore raises #NM when XSTATE_BV and XFD overlap (R27).
/// </summary>
public sealed class VcpuFpu
{
    private readonly Vcpu _vcpu;

    internal VcpuFpu(Vcpu vcpu, FpuGuest guestFpu)
    {
        _vcpu = vcpu;
        GuestFpu = guestFpu;
    }

    /// <summary>vcpu->arch.guest_fpu (R50, R55).</summary>
    public FpuGuest GuestFpu { get; }

    /// <summary>The guest fpstate (gfpu->fpstate).</summary>
    public Fpstate Fpstate => GuestFpu.Fpstate;

    /// <summary>vcpu->arch.pkru: the guest's PKRU, kept outside the XSAVE buffer and exchanged by KVM_GET/SET_XSAVE.</summary>
    public uint Pkru { get; internal set; }

    /// <summary>
    /// TIF_NEED_FPU_LOAD of the vCPU thread: the registers no longer hold the active fpstate (it was saved by
    /// kernel_fpu_begin or preemption) and must be restored before returning to the guest or user space.
    /// </summary>
    public bool TaskNeedFpuLoad { get; private set; }

    private BootResult Boot => _vcpu.Boot;
    private KvmVm Vm => _vcpu.Vm;
    private Fpstate GuestFpstate => GuestFpu.Fpstate;
    private Process.Fpu ThreadFpu => _vcpu.Process.Thread(_vcpu.ThreadId).Fpu;

    /// <summary>The VMM thread's PKRU: what the register holds whenever the kernel saves an fpstate (R86a: KVM switches
    /// to the guest's PKRU only around VM entry/exit).</summary>
    private uint HostPkru => _vcpu.Process.Thread(_vcpu.ThreadId).Pkru.Value;

    /// <summary>kvm_load_guest_fpu: KVM_BUG_ON when the guest FPU is already in use; else fpu_swap_kvm_fpstate(enter).</summary>
    public FpuSwapOutcome LoadGuestFpu()
    {
        if (GuestFpstate.InUse)
        {
            Vm.Bug("kvm_load_guest_fpu: guest FPU already in use");
            return FpuSwapOutcome.KvmBug;
        }
        return SwapKvmFpstate(enterGuest: true);
    }

    /// <summary>kvm_put_guest_fpu: KVM_BUG_ON when the guest FPU is not in use; else fpu_swap_kvm_fpstate(exit).</summary>
    public FpuSwapOutcome PutGuestFpu()
    {
        if (!GuestFpstate.InUse)
        {
            Vm.Bug("kvm_put_guest_fpu: guest FPU not in use");
            return FpuSwapOutcome.KvmBug;
        }
        return SwapKvmFpstate(enterGuest: false);
    }

    /// <summary>
    /// R86 fpu_swap_kvm_fpstate: save the current registers (unless confidential or already saved), switch the thread's
    /// active fpstate, then restore the new one with XFD written first (confidential guests: XFD only).
    /// </summary>
    private FpuSwapOutcome SwapKvmFpstate(bool enterGuest)
    {
        var fpu = ThreadFpu;
        var cur = fpu.Fpstate;
        if (!cur.IsConfidential && !TaskNeedFpuLoad) SaveRegisters(cur);

        if (enterGuest)
        {
            fpu.TaskFpstate = cur;
            fpu.Fpstate = GuestFpstate;
            GuestFpstate.InUse = true;
        }
        else
        {
            GuestFpstate.InUse = false;
            fpu.Fpstate = fpu.TaskFpstate ?? cur;
            fpu.TaskFpstate = null;
        }

        var outcome = FpuSwapOutcome.Swapped;
        if (!fpu.Fpstate.IsConfidential && !RestoreRegisters(fpu.Fpstate)) outcome = FpuSwapOutcome.HostNm;
        TaskNeedFpuLoad = false; // fpregs_mark_activate
        return outcome;
    }

    /// <summary>
    /// save_fpregs_to_fpstate with the current XFD: XSAVES stores an XFD-disabled component as not in use (R27), so
    /// XSTATE_BV loses the bits of fpstate.xfd. The other bytes already are the registers in this model, except PKRU:
    /// RFBM = fpstate.xfeatures includes it and the register then holds the host's PKRU (R86a:
    /// kvm_load_host_xsave_state has switched back), so a guest fpstate saved on a host with non-zero PKRU has
    /// XSTATE_BV[PKRU] = 1.
    /// </summary>
    private void SaveRegisters(Fpstate fps)
    {
        if (!Boot.XsaveEnabled) return;
        fps.XstateBv = new FeatureMask(fps.XstateBv).Except(fps.Xfd).Bits;
        Process.TaskPkru.Save(Boot, fps, HostPkru);
    }

    /// <summary>
    /// restore_fpregs_from_fpstate(fps, XFEATURE_MASK_FPSTATE): XFD := fps.xfd, then XRSTORS with RFBM = kernel.max
    /// &amp; FPSTATE; a component in XSTATE_BV that XFD disables raises #NM in the host (R27, H6): false.
    /// </summary>
    private bool RestoreRegisters(Fpstate fps)
    {
        if (!Boot.XsaveEnabled) return true;
        var rfbm = Boot.Kernel.MaxFeatures & XfeatureMasks.Fpstate;
        var nm = new FeatureMask(fps.XstateBv) & rfbm & fps.Xfd;
        if (nm.IsEmpty) return true;
        _vcpu.Warn($"host #NM in XRSTORS: XSTATE_BV & XFD = {nm} ({nm.Describe()}): unexpected #NM exception");
        return false;
    }

    /// <summary>
    /// kernel_fpu_begin() (an interrupt or preemption) on the vCPU thread: the active fpstate - the guest's while it is
    /// loaded - is saved with the XFD currently in the hardware and TIF_NEED_FPU_LOAD is set.
    /// </summary>
    public void KernelFpuBegin()
    {
        if (TaskNeedFpuLoad) return;
        var active = ThreadFpu.Fpstate;
        if (!active.IsConfidential) SaveRegisters(active);
        TaskNeedFpuLoad = true;
    }

    /// <summary>
    /// R87 fpu_update_guest_xfd (with the Jan-2026 fix, H6): when XFD disables something and the guest state is not
    /// resident (TIF_NEED_FPU_LOAD), XSTATE_BV loses the disabled components at once; fpstate.xfd := xfd; the MSR
    /// itself is written when the guest FPU is in use. As coded the condition is TIF_NEED_FPU_LOAD, so a
    /// host-initiated write while the thread's own registers are loaded does not clear XSTATE_BV.
    /// </summary>
    internal void UpdateGuestXfd(FeatureMask xfd)
    {
        if (!xfd.IsEmpty && TaskNeedFpuLoad)
            GuestFpstate.XstateBv = new FeatureMask(GuestFpstate.XstateBv).Except(xfd).Bits;
        GuestFpstate.Xfd = xfd;
    }

    /// <summary>vcpu_enter_guest: the registers must hold the guest state; if they were saved, restore them first.</summary>
    internal void ReenterGuest()
    {
        if (!TaskNeedFpuLoad) return;
        RestoreRegisters(ThreadFpu.Fpstate);
        TaskNeedFpuLoad = false;
    }

    /// <summary>
    /// The guest writes PKRU (WRPKRU, which needs CR4.PKE in the guest). R86a, x86.c kvm_load_host_xsave_state: at the
    /// VM exit KVM reads it into vcpu.arch.pkru and writes the host's PKRU back, so the guest buffer never holds it.
    /// </summary>
    public void GuestWritePkru(uint value) => Pkru = value;
}
