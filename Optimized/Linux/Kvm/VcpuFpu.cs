using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// The guest FPU of one vCPU: vcpu->arch.guest_fpu (struct fpu_guest, R50, R55), vcpu->arch.pkru, loading and putting
/// it around KVM_RUN (R86, I20), kernel-mode FPU use on the vCPU thread and guest XFD updates (R87, H6). The registers
/// are modelled by the active fpstate's buffer: a save applies XFD the way XSAVES does (a disabled component is saved
/// as not in use, R27); a restore that would load a component XFD disables is the host #NM of H6 (a WARN here).
/// </summary>
public sealed class VcpuFpu
{
    private readonly Vcpu _vcpu;

    /// <summary>TIF_NEED_FPU_LOAD of the vCPU thread: the registers were saved and must be restored before entry.</summary>
    private bool _needFpuLoad;

    internal VcpuFpu(Vcpu vcpu, FpuGuest guestFpu)
    {
        _vcpu = vcpu;
        GuestFpu = guestFpu;
    }

    /// <summary>vcpu->arch.guest_fpu.</summary>
    public FpuGuest GuestFpu { get; }

    /// <summary>gfpu->fpstate (never NULL while the vCPU exists).</summary>
    public Fpstate Fpstate => GuestFpu.Fpstate!;

    /// <summary>vcpu->arch.pkru: the guest's PKRU, outside the XSAVE buffer.</summary>
    public uint Pkru { get; internal set; }

    private BootTables Boot => _vcpu.Boot;
    private KvmVm Vm => _vcpu.Vm;

    /// <summary>kvm_load_guest_fpu: KVM_BUG_ON if already in use; else fpu_swap_kvm_fpstate(enter). False when the
    /// restore took #NM in kernel mode (R87: the caller dies).</summary>
    internal bool LoadGuestFpu(TaskGroup group)
    {
        if (Fpstate.InUse)
        {
            Vm.Bug();
            return true;
        }
        return SwapKvmFpstate(group.Leader, enterGuest: true);
    }

    /// <summary>kvm_put_guest_fpu: KVM_BUG_ON if not in use; else fpu_swap_kvm_fpstate(exit).</summary>
    internal void PutGuestFpu(TaskGroup group)
    {
        if (!Fpstate.InUse)
        {
            Vm.Bug();
            return;
        }
        SwapKvmFpstate(group.Leader, enterGuest: false);
    }

    /// <summary>
    /// R86 fpu_swap_kvm_fpstate: save the live registers into the active fpstate (unless confidential or already
    /// saved), switch the thread's active fpstate, restore the new one (XFD first; confidential: XFD only).
    /// </summary>
    private bool SwapKvmFpstate(TaskThread thread, bool enterGuest)
    {
        var cur = thread.Fpstate;
        if (!cur.IsConfidential && !_needFpuLoad) SaveRegisters(cur, thread.Pkru);

        var guest = Fpstate;
        if (enterGuest)
        {
            thread.TaskFpstate = cur;
            thread.Fpstate = guest;
            guest.InUse = true;
        }
        else
        {
            guest.InUse = false;
            thread.Fpstate = thread.TaskFpstate ?? cur;
            thread.TaskFpstate = null;
        }

        bool restored = thread.Fpstate.IsConfidential || RestoreRegisters(thread.Fpstate);
        _needFpuLoad = false; // fpregs_mark_activate
        return restored;
    }

    /// <summary>
    /// save_fpregs_to_fpstate under the context's XFD: XSAVES stores XFD-disabled components as init (R27). PKRU is in
    /// RFBM and the register holds the host thread's value whenever the kernel saves (R86a: KVM swaps the guest's in
    /// only around VM entry), so the guest buffer gets the host's PKRU and its XSTATE_BV bit.
    /// </summary>
    private void SaveRegisters(Fpstate fps, uint hostPkru)
    {
        if (!Boot.XsaveEnabled) return;
        fps.XstateBv &= ~fps.Xfd;
        TaskPkru.Save(Boot, fps, hostPkru);
    }

    /// <summary>
    /// restore_fpregs_from_fpstate(fps, FPSTATE): XFD := fps.xfd, then XRSTORS with RFBM = kernel.max &amp; FPSTATE; a
    /// component set in XSTATE_BV and disabled by XFD raises #NM in the host (R27, H6): counted as a WARN.
    /// </summary>
    private bool RestoreRegisters(Fpstate fps)
    {
        if (!Boot.XsaveEnabled) return true;
        if ((fps.XstateBv & Boot.Kernel.MaxFeatures & KvmAbi.FpstateRestore & fps.Xfd) == 0) return true;
        _vcpu.Warn();
        return false;
    }

    /// <summary>
    /// kernel_fpu_begin() on the vCPU thread (softirq, preemption): the active fpstate - the guest's while loaded - is
    /// saved under its XFD and TIF_NEED_FPU_LOAD is set.
    /// </summary>
    internal void KernelFpuBegin(TaskGroup group)
    {
        if (_needFpuLoad) return;
        var active = group.Leader.Fpstate;
        if (!active.IsConfidential) SaveRegisters(active, group.Leader.Pkru);
        _needFpuLoad = true;
    }

    /// <summary>
    /// R87 fpu_update_guest_xfd (with the fix of H6): when XFD disables something while the guest state is not in the
    /// registers (TIF_NEED_FPU_LOAD), those components are dropped from XSTATE_BV at once; fpstate.xfd := xfd (the MSR
    /// itself is written when the guest FPU is in use). As coded the test is the thread flag, so a host-initiated
    /// write outside KVM_RUN (flag clear) leaves XSTATE_BV alone.
    /// </summary>
    internal void UpdateGuestXfd(ulong xfd)
    {
        var fps = Fpstate;
        if (xfd != 0 && _needFpuLoad) fps.XstateBv &= ~xfd;
        fps.Xfd = xfd;
    }

    /// <summary>vcpu_enter_guest: switch_fpu_return when the registers were saved meanwhile.</summary>
    internal void ReenterGuest(TaskGroup group)
    {
        if (!_needFpuLoad) return;
        RestoreRegisters(group.Leader.Fpstate);
        _needFpuLoad = false;
    }
}
