using Xsave.Oracle.Linux.Process;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>
/// A VM created by <see cref="Process"/> (KVM_CREATE_VM). It carries the VM-wide flags the modelled ioctls consult:
/// protected guest state (SEV-ES/SNP/TDX) and kvm->vm_dead, set by KVM_BUG_ON.
/// </summary>
public sealed class KvmVm
{
    private readonly List<string> _bugs = [];

    private KvmVm(KvmModule kvm, LinuxProcess process, bool hasProtectedState)
    {
        Kvm = kvm;
        Process = process;
        HasProtectedState = hasProtectedState;
    }

    public KvmModule Kvm { get; }
    public LinuxProcess Process { get; }

    /// <summary>kvm->arch.has_protected_state: the guest's register state is encrypted (confidential VM types).</summary>
    public bool HasProtectedState { get; }

    /// <summary>kvm->vm_dead: after a KVM_BUG_ON every ioctl on the VM and its vCPUs fails with -EIO.</summary>
    public bool Dead => _bugs.Count > 0;

    /// <summary>The KVM_BUG_ON conditions that fired, in order.</summary>
    public IReadOnlyList<string> Bugs => _bugs;

    public static KvmVm Create(KvmModule kvm, LinuxProcess process, bool hasProtectedState = false) =>
        new(kvm, process, hasProtectedState);

    /// <summary>KVM_BUG_ON(cond): WARN once, mark the VM bugged and dead.</summary>
    internal void Bug(string what) => _bugs.Add(what);
}
