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
        group.Threads.Add(TaskPkru.Exec(b, FpstateOps.NewTask(b))); // process 1 was exec'd too (R61a)
        return group;
    }

    /// <summary>
    /// What a new thread's thread.pkru starts as: the kernel clones the parent's PKRU register (copy_thread:
    /// "p->thread.pkru = read_pkru()"), so a child inherits the parent's PKRU, exec default or ptrace-set (R61a).
    /// </summary>
    private static uint ClonedPkru(TaskThread parent) => parent.Pkru;

    private static Fpstate CloneTask(BootTables b, TaskThread parent) =>
        TaskPkru.Cloned(b, FpstateOps.CloneTask(b, parent.Own), ClonedPkru(parent));

    /// <summary>
    /// clone(CLONE_THREAD) from the leader: a reset fpstate holding the default-feature part of the parent's state
    /// (R61); no sigaltstack (CLONE_VM without CLONE_VFORK clears it). Returns the new thread's index.
    /// </summary>
    public static int SpawnThread(BootTables b, TaskGroup group)
    {
        var parent = group.Leader;
        group.Threads.Add(new TaskThread(CloneTask(b, parent)) { Pkru = ClonedPkru(parent) });
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
        child.Threads.Add(new TaskThread(CloneTask(b, leader))
        {
            SigaltstackSize = leader.SigaltstackSize,
            Pkru = ClonedPkru(leader),
        });
        return child;
    }

    /// <summary>
    /// execve() in the leader: the other threads go, fpu_flush_thread resets the fpstate (init_fpstate contents) and
    /// the permissions (LOCKED cleared), the sigaltstack is cleared. pkru_flush_thread then loads the default PKRU
    /// (R61a), which the task's saved buffer shows with XSTATE_BV[PKRU] = 1.
    /// </summary>
    public static void Exec(BootTables b, TaskGroup group)
    {
        group.Threads.Clear();
        group.Threads.Add(TaskPkru.Exec(b, FpstateOps.NewTask(b)));
        group.Perm = DefaultPerm(b);
        group.GuestPerm = DefaultGuestPerm(b);
    }

    /// <summary>
    /// exit_group(): each thread's do_exit → exit_thread → fpu__drop, and the task's fpstate is freed with it
    /// (fpstate_free). The fds go too (exit_files): the caller closes the KVM ones.
    /// </summary>
    public static void Exit(TaskGroup group)
    {
        group.Threads.Clear();
        group.Exited = true;
    }
}
