using System.Diagnostics;
using System.Globalization;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux;

namespace Xsave.Optimized.Kvm;

/// <summary>
/// Loading and putting the guest FPU (R86, I20), KVM_RUN with its exits, kernel-mode FPU use on the vCPU thread and
/// guest XFD updates (R87, H6). The registers are modelled by the active fpstate's buffer: a save applies XFD the way
/// XSAVES does (a disabled component is saved as not in use, R27); a restore that would load a component XFD
/// disables is the host #NM of H6 (a WARN here).
/// </summary>
public sealed partial class KvmVcpu
{
    /// <summary>TIF_NEED_FPU_LOAD of the vCPU thread: the registers were saved and must be restored before entry.</summary>
    private bool _needFpuLoad;

    /// <summary>kvm_load_guest_fpu: KVM_BUG_ON if already in use; else fpu_swap_kvm_fpstate(enter).</summary>
    private void LoadGuestFpu(TaskGroup group)
    {
        if (Fpstate.InUse)
        {
            Vm.Bug();
            return;
        }
        SwapKvmFpstate(group.Leader, enterGuest: true);
    }

    /// <summary>kvm_put_guest_fpu: KVM_BUG_ON if not in use; else fpu_swap_kvm_fpstate(exit).</summary>
    private void PutGuestFpu(TaskGroup group)
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
    private void SwapKvmFpstate(TaskThread thread, bool enterGuest)
    {
        var cur = thread.Fpstate;
        if (!cur.IsConfidential && !_needFpuLoad) SaveRegisters(cur);

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

        if (!thread.Fpstate.IsConfidential) RestoreRegisters(thread.Fpstate);
        _needFpuLoad = false; // fpregs_mark_activate
    }

    /// <summary>save_fpregs_to_fpstate under the context's XFD: XSAVES stores XFD-disabled components as init (R27).</summary>
    private void SaveRegisters(Fpstate fps)
    {
        if (!Boot.XsaveEnabled) return;
        fps.XstateBv &= ~fps.Xfd;
    }

    /// <summary>
    /// restore_fpregs_from_fpstate(fps, FPSTATE): XFD := fps.xfd, then XRSTORS with RFBM = kernel.max &amp; FPSTATE; a
    /// component set in XSTATE_BV and disabled by XFD raises #NM in the host (R27, H6): counted as a WARN.
    /// </summary>
    private void RestoreRegisters(Fpstate fps)
    {
        if (!Boot.XsaveEnabled) return;
        if ((fps.XstateBv & Boot.Kernel.MaxFeatures & KvmAbi.FpstateRestore & fps.Xfd) != 0) Warn();
    }

    /// <summary>
    /// kernel_fpu_begin() on the vCPU thread (softirq, preemption): the active fpstate - the guest's while loaded - is
    /// saved under its XFD and TIF_NEED_FPU_LOAD is set.
    /// </summary>
    private void KernelFpuBegin(TaskGroup group)
    {
        if (_needFpuLoad) return;
        var active = group.Leader.Fpstate;
        if (!active.IsConfidential) SaveRegisters(active);
        _needFpuLoad = true;
    }

    /// <summary>
    /// R87 fpu_update_guest_xfd (with the fix of H6): when XFD disables something while the guest state is not in the
    /// registers (TIF_NEED_FPU_LOAD), those components are dropped from XSTATE_BV at once; fpstate.xfd := xfd (the MSR
    /// itself is written when the guest FPU is in use). As coded the test is the thread flag, so a host-initiated
    /// write outside KVM_RUN (flag clear) leaves XSTATE_BV alone.
    /// </summary>
    private void UpdateGuestXfd(ulong xfd)
    {
        var fps = Fpstate;
        if (xfd != 0 && _needFpuLoad) fps.XstateBv &= ~xfd;
        fps.Xfd = xfd;
    }

    /// <summary>vcpu_enter_guest: switch_fpu_return when the registers were saved meanwhile.</summary>
    private void ReenterGuest(TaskGroup group)
    {
        if (!_needFpuLoad) return;
        RestoreRegisters(group.Leader.Fpstate);
        _needFpuLoad = false;
    }

    /// <summary>
    /// KVM_RUN (R86): load the guest FPU, enter, handle <paramref name="exits"/> one by one (re-entering after each),
    /// put the guest FPU. Each exit's verdict is added to <paramref name="results"/> ("completed", "#GP",
    /// "value=0x.."). A dead VM -> -EIO.
    /// </summary>
    public long Run(TaskGroup group, IReadOnlyList<GuestEvent> exits, List<string> results)
    {
        if (Vm.Dead) return EIO;
        WantsToRun = true;
        LoadGuestFpu(group);
        if (!Vm.Dead)
        {
            ReenterGuest(group);
            HasRun = true;
            for (int k = 0; k < exits.Count; k++)
            {
                results.Add(HandleExit(group, exits[k]));
                if (Vm.Dead) break;
                ReenterGuest(group);
            }
        }
        if (Fpstate.InUse) PutGuestFpu(group);
        WantsToRun = false;
        return Vm.Dead ? EIO : 0;
    }

    private const string Completed = "completed", InjectedGp = "#GP";

    private string HandleExit(TaskGroup group, GuestEvent e)
    {
        switch (e)
        {
            case GuestXsetbv x:
                return GuestXsetbv(x.Cpl, x.Ecx, x.Value) ? Completed : InjectedGp;
            case GuestWrmsr w:
                return GuestWrmsr(group, w.Msr, w.Value) ? Completed : InjectedGp;
            case GuestRdmsr r:
                return GuestRdmsr(group, r.Msr, out ulong value)
                    ? "value=0x" + value.ToString("x", CultureInfo.InvariantCulture) : InjectedGp;
            case GuestWritePkru p:
                // WRPKRU: KVM reads PKRU back into vcpu->arch.pkru at the next exit.
                Pkru = p.Value;
                return Completed;
            case HostKernelFpuUse:
                KernelFpuBegin(group);
                return Completed;
            case InitWhileRunning:
                Init(group);
                return Completed;
            default:
                throw new UnreachableException($"guest event {e.GetType().Name} is not part of the contract");
        }
    }
}
