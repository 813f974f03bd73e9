using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Kvm;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Oracle.Linux.World;

/// <summary>
/// The end of a process's life and what its file descriptors keep alive. KVM_CREATE_VM and KVM_CREATE_VCPU return
/// O_CLOEXEC fds (kvm_main.c kvm_dev_ioctl_create_vm, create_vcpu_fd); fork duplicates the fd table (dup_fd), so a
/// child holds its parent's VM too; execve closes them (begin_new_exec → do_close_on_exec) and exit closes everything
/// (do_exit → exit_files). When the last fd of a VM goes, kvm_put_kvm → kvm_destroy_vm destroys its vCPUs
/// (kvm_arch_vcpu_destroy → fpu_free_guest_fpstate, R85, R56).
/// </summary>
public sealed partial class OracleKernel
{
    /// <summary>Per VM, the pids whose fd tables hold its fds.</summary>
    private readonly Dictionary<KvmVm, HashSet<int>> _fdHolders = new(ReferenceEqualityComparer.Instance);

    private void OpenVm(LinuxProcess p, int pid, KvmVm vm)
    {
        _vms[p] = vm;
        _fdHolders[vm] = [pid];
    }

    /// <summary>vCPU ids whose creator has closed its fds for them (execve, exit): its ioctls on them are -EBADF.</summary>
    private readonly HashSet<int> _closedVcpus = [];

    /// <summary>fork → dup_fd: the child holds every VM its parent holds.</summary>
    private void InheritFds(int parentPid, int childPid)
    {
        foreach (var holders in _fdHolders.Values)
            if (holders.Contains(parentPid)) holders.Add(childPid);
    }

    /// <summary>
    /// execve in the group leader (fs/exec.c begin_new_exec): de_thread kills the other threads first, flush_thread
    /// resets the FPU (fpu_flush_thread, R61) and PKRU (R61a), then do_close_on_exec closes the O_CLOEXEC fds (the VMs
    /// and vCPUs); the sigaltstack is cleared (sas_ss_sp = sas_ss_size = 0).
    /// </summary>
    private KernelOutcome Exec(LinuxProcess p, int pid)
    {
        p.Exec();
        SetPkruAfterExec(p);
        bool warned = CloseFds(p, pid);
        return new KernelOutcome(0, Signal: warned ? KernelSignal.Warn : null);
    }

    /// <summary>
    /// exit_group → do_exit for every thread: exit_thread drops the FPU (fpu__drop; the task fpstates are freed with
    /// the tasks, fpstate_free), exit_files closes the fds. Children are reparented; their permissions are their own
    /// copies (fpu_inherit_perms copied them at fork), so nothing of theirs changes.
    /// </summary>
    private KernelOutcome ExitGroup(LinuxProcess p, int pid)
    {
        p.Exit();
        bool warned = CloseFds(p, pid);
        return new KernelOutcome(0, Signal: warned ? KernelSignal.Warn : null);
    }

    /// <summary>Closes the process's KVM fds; destroys the vCPUs of every VM whose last fd that was. True when a
    /// destroy WARNed (a guest fpstate still in use after the VMM thread died in KVM_RUN, H25).</summary>
    private bool CloseFds(LinuxProcess p, int pid)
    {
        _vms.Remove(p);
        for (int id = 0; id < _vcpuPids.Count; id++)
            if (_vcpuPids[id] == pid) _closedVcpus.Add(id);
        bool warned = false;
        foreach (var (vm, holders) in _fdHolders.ToList())
        {
            if (!holders.Remove(pid) || holders.Count > 0) continue;
            _fdHolders.Remove(vm);
            for (int id = 0; id < _vcpus.Count; id++)
                if (_vcpus[id] is { } v && ReferenceEquals(v.Vm, vm))
                    warned |= Destroy(v, id).Signal == KernelSignal.Warn;
        }
        return warned;
    }
}
