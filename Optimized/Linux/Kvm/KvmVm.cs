namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// A VM of one process (KVM_CREATE_VM): the flags the modelled ioctls consult. has_protected_state is false for the
/// default VM type; vm_dead is set by KVM_BUG_ON, after which every ioctl on the VM and its vCPUs is -EIO.
/// </summary>
public sealed class KvmVm
{
    public KvmVm(int pid, bool hasProtectedState = false)
    {
        Pid = pid;
        HasProtectedState = hasProtectedState;
    }

    public int Pid { get; }

    /// <summary>The processes whose fd tables hold this VM's (and its vCPUs') O_CLOEXEC fds: the creator, and every
    /// child forked while it held them (dup_fd). The VM dies with the last one (kvm_put_kvm → kvm_destroy_vm).</summary>
    public HashSet<int> FdHolders { get; } = [];

    /// <summary>kvm->arch.has_protected_state (SEV-ES/SNP/TDX guests).</summary>
    public bool HasProtectedState { get; }

    /// <summary>kvm->vm_dead.</summary>
    public bool Dead { get; private set; }

    /// <summary>How many KVM_BUG_ONs fired (each WARNs once and kills the VM).</summary>
    public int Bugs { get; private set; }

    /// <summary>KVM_BUG_ON(true).</summary>
    public void Bug()
    {
        Bugs++;
        Dead = true;
    }
}
