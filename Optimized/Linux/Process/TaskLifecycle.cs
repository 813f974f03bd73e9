using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Process;

/// <summary>
/// Process and thread lifecycle as the FPU code sees it (SPEC R61, R63): the first process, clone of a thread, fork
/// and exec (fpstate_reset, fpu_clone, fpu_inherit_perms, fpu_flush_thread).
/// </summary>
public static class TaskLifecycle
{
    /// <summary>R63 fpstate_reset: perm = kernel defaults; guest_perm = guest_default_cfg; both with user.default_size.</summary>
    public static FpuStatePerm DefaultPerm(BootTables b) => new(b.Kernel.DefaultFeatures, b.Kernel.DefaultSize, b.User.DefaultSize);

    public static FpuStatePerm DefaultGuestPerm(BootTables b) => new(b.Guest.Features, b.Guest.Size, b.User.DefaultSize);

    /// <summary>A process as after execve: one thread with a fresh task fpstate and the default permissions.</summary>
    public static TaskGroup Start(BootTables b)
    {
        var group = new TaskGroup(DefaultPerm(b), DefaultGuestPerm(b));
        group.Threads.Add(new TaskThread(FpstateOps.NewTask(b)));
        return group;
    }

    /// <summary>
    /// What a new thread's thread.pkru starts as: the kernel clones the parent's PKRU register (copy_thread:
    /// "p->thread.pkru = read_pkru()"), so a child inherits a PKRU that ptrace set in the parent.
    /// </summary>
    private static uint ClonedPkru(TaskThread parent) => parent.Pkru;

    /// <summary>
    /// clone(CLONE_THREAD) from the leader: a reset fpstate holding the default-feature part of the parent's state
    /// (R61); no sigaltstack (CLONE_VM without CLONE_VFORK clears it). Returns the new thread's index.
    /// </summary>
    public static int SpawnThread(BootTables b, TaskGroup group)
    {
        var parent = group.Leader;
        group.Threads.Add(new TaskThread(FpstateOps.CloneTask(b, parent.Own)) { Pkru = ClonedPkru(parent) });
        return group.Threads.Count - 1;
    }

    /// <summary>
    /// fork() from the leader: a single-threaded group whose fpstate is cloned as for a thread; perm and guest_perm
    /// (LOCKED included) are inherited only with dynamic sizing (fpu_inherit_perms), else the defaults; the
    /// sigaltstack is inherited (thread.pkru: see ClonedPkru).
    /// </summary>
    public static TaskGroup Fork(BootTables b, TaskGroup parent)
    {
        var leader = parent.Leader;
        var child = b.DynamicSizing
            ? new TaskGroup(parent.Perm, parent.GuestPerm)
            : new TaskGroup(DefaultPerm(b), DefaultGuestPerm(b));
        child.Threads.Add(new TaskThread(FpstateOps.CloneTask(b, leader.Own))
        {
            SigaltstackSize = leader.SigaltstackSize,
            Pkru = ClonedPkru(leader),
        });
        return child;
    }

    /// <summary>
    /// execve() in the leader: the other threads go, fpu_flush_thread resets the fpstate (init_fpstate contents) and
    /// the permissions (LOCKED cleared), the sigaltstack is cleared. thread.pkru becomes the default PKRU
    /// (pkru_write_default); the model keeps 0, which no operation can observe: the reset buffer's XSTATE_BV has no
    /// PKRU bit, so ptrace reports PKRU only after a PTRACE_SETREGSET, which writes it.
    /// </summary>
    public static void Exec(BootTables b, TaskGroup group)
    {
        group.Threads.Clear();
        group.Threads.Add(new TaskThread(FpstateOps.NewTask(b)));
        group.Perm = DefaultPerm(b);
        group.GuestPerm = DefaultGuestPerm(b);
    }
}
