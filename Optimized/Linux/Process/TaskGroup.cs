using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Process;

/// <summary>struct fpu_state_perm (R62): permitted features (supervisor bits and LOCKED included) and the two sizes.</summary>
public readonly record struct FpuStatePerm(ulong StatePerm, uint StateSize, uint UserStateSize)
{
    public bool Locked => (StatePerm & Xfeatures.GuestPermLocked) != 0;
}

/// <summary>
/// One thread's struct fpu (R50): the active fpstate and, while a guest fpstate is active (KVM_RUN), the stashed task
/// fpstate. Plus what the thread owns outside the FPU buffer: its sigaltstack size and thread.pkru.
/// </summary>
public sealed class TaskThread
{
    public TaskThread(Fpstate fpstate) => Fpstate = fpstate;

    /// <summary>fpu->fpstate: the task's own fpstate, or the guest's during KVM_RUN.</summary>
    public Fpstate Fpstate { get; set; }

    /// <summary>fpu->__task_fpstate: the task fpstate while a guest fpstate is active, else null.</summary>
    public Fpstate? TaskFpstate { get; set; }

    /// <summary>The task's own fpstate whichever is active.</summary>
    public Fpstate Own => TaskFpstate ?? Fpstate;

    /// <summary>sas_ss_size, 0 when no alternate stack is installed.</summary>
    public ulong SigaltstackSize { get; set; }

    /// <summary>thread.pkru: what ptrace reads and writes for the PKRU component (R69-R71).</summary>
    public uint Pkru { get; set; }

    /// <summary>The fpstate part of the signal frame on this thread's stack (R72), empty before any signal.</summary>
    public byte[] SignalFrame { get; set; } = [];
}

/// <summary>
/// A thread group (R61-R67): the leader's perm and guest_perm, and the threads in creation order (index 0 is the
/// leader, and the thread that runs vCPUs).
/// </summary>
public sealed class TaskGroup
{
    private readonly List<TaskThread> _threads = [];

    public TaskGroup(FpuStatePerm perm, FpuStatePerm guestPerm)
    {
        Perm = perm;
        GuestPerm = guestPerm;
    }

    public FpuStatePerm Perm { get; set; }
    public FpuStatePerm GuestPerm { get; set; }

    /// <summary>The group has exited (exit_group): no threads remain, every system call naming it is -ESRCH.</summary>
    public bool Exited { get; set; }

    /// <summary>Test knob: while set, fpstate allocations fail (vzalloc returning NULL).</summary>
    public bool FailAllocations { get; set; }

    public List<TaskThread> Threads => _threads;

    public TaskThread Leader => _threads[0];

    /// <summary>The thread at <paramref name="index"/>, or null.</summary>
    public TaskThread? Thread(int index) => (uint)index < (uint)_threads.Count ? _threads[index] : null;
}
