using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Process;

/// <summary>
/// struct fpu of one thread (SPEC R50): the active fpstate and, while a KVM guest fpstate is active, the saved task
/// fpstate. The permissions of struct fpu live in <see cref="LinuxProcess"/>: only the thread-group leader's are ever
/// consulted (R62).
/// </summary>
public sealed class Fpu
{
    /// <summary>fpu->fpstate: the task's own fpstate, or a guest fpstate during KVM_RUN.</summary>
    public required Fpstate Fpstate { get; set; }

    /// <summary>fpu->__task_fpstate: the task fpstate stashed while a guest fpstate is active (R86), else null.</summary>
    public Fpstate? TaskFpstate { get; set; }

    /// <summary>The task's own fpstate whichever is active.</summary>
    public Fpstate OwnFpstate => TaskFpstate ?? Fpstate;
}

/// <summary>One thread of a <see cref="LinuxProcess"/>: its FPU and its alternate signal stack.</summary>
public sealed class LinuxThread
{
    public LinuxThread(int id, Fpu fpu)
    {
        Id = id;
        Fpu = fpu;
    }

    public int Id { get; }
    public Fpu Fpu { get; }

    /// <summary>sas_ss_size: the installed sigaltstack's size, 0 when none is installed.</summary>
    public ulong SigaltstackSize { get; set; }

    /// <summary>The thread's PKRU register and thread.pkru (R61a): what ptrace and a vCPU run on this thread see.</summary>
    public Uabi.PkruHolder Pkru { get; } = new();

    /// <summary>The fpstate part of the last signal frame written to this thread's stack (R72), as the handler may
    /// have edited it; empty before any signal. fork copies it with the address space, exec discards it.</summary>
    public byte[] StackFrame { get; set; } = [];
}
