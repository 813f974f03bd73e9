using Xsave.Contract;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Process;

/// <summary>
/// A thread group on a booted kernel (SPEC R61-R67, R58-R59): the group leader's permissions (struct fpu_state_perm
/// perm and guest_perm) and the threads with their FPUs. Operations mutate it like the kernel mutates its objects and
/// return what the system call returns. Thread ids are local: the leader is <see cref="LeaderId"/>.
/// </summary>
public sealed partial class LinuxProcess
{
    public const int LeaderId = 1;

    private readonly List<LinuxThread> _threads = [];
    private int _nextThreadId = LeaderId;

    private LinuxProcess(BootResult boot)
    {
        Boot = boot;
        (Perm, GuestPerm) = DefaultPermissions(boot);
    }

    public BootResult Boot { get; }

    /// <summary>The group leader's fpu->perm (R62): host permissions of the whole group.</summary>
    public FpuStatePerm Perm { get; set; }

    /// <summary>The group leader's fpu->guest_perm (R62): permissions for KVM guest FPUs of the whole group.</summary>
    public FpuStatePerm GuestPerm { get; set; }

    /// <summary>
    /// Simulates vzalloc() failure: while set, fpstate allocations fail (realloc -> -ENOMEM, so #NM -> SIGSEGV and
    /// KVM -> -EFAULT/-ENOMEM). Not kernel state; a test knob.
    /// </summary>
    public bool FailAllocations { get; set; }

    public IReadOnlyList<LinuxThread> Threads => _threads;

    public LinuxThread Leader => Thread(LeaderId);

    /// <summary>The thread with this id; an unknown id is a caller bug.</summary>
    public LinuxThread Thread(int threadId) =>
        _threads.FirstOrDefault(t => t.Id == threadId)
        ?? throw new ArgumentException($"no thread {threadId} in this process", nameof(threadId));

    /// <summary>
    /// A new process as after execve on this kernel: one thread with a fresh task fpstate (fpstate_reset, R51, and the
    /// init_fpstate copy, R54) and the initial permissions of R63.
    /// </summary>
    public static LinuxProcess Start(BootResult boot)
    {
        var process = new LinuxProcess(boot);
        process.AddThread(new Fpu { Fpstate = FpstateOps.NewTaskFpstate(boot) });
        return process;
    }

    /// <summary>
    /// R63, fpstate_reset: perm = {kernel.default_features, kernel.default_size, user.default_size}; guest_perm =
    /// {guest_default_cfg.features, guest_default_cfg.size, user.default_size}.
    /// </summary>
    public static (FpuStatePerm Perm, FpuStatePerm GuestPerm) DefaultPermissions(BootResult boot) =>
        (new FpuStatePerm(boot.Kernel.DefaultFeatures, boot.Kernel.DefaultSize, boot.User.DefaultSize),
         new FpuStatePerm(boot.Guest.Features, boot.Guest.Size, boot.User.DefaultSize));

    /// <summary>
    /// clone(CLONE_VM|CLONE_THREAD...) from <paramref name="fromThreadId"/> (fpu_clone, R61): the new thread gets a
    /// reset task fpstate holding the default-feature part of the parent's state; the group's permissions are
    /// unchanged; the new thread has no sigaltstack (CLONE_VM without CLONE_VFORK resets it).
    /// </summary>
    public LinuxThread SpawnThread(int fromThreadId = LeaderId)
    {
        var parent = Thread(fromThreadId);
        return AddThread(new Fpu { Fpstate = CloneTaskFpstate(parent.Fpu.OwnFpstate) });
    }

    /// <summary>
    /// fork() from <paramref name="threadId"/> (fpu_clone without CLONE_THREAD, R61): a new single-threaded process.
    /// Its fpstate is reset to the defaults and holds the default-feature part of the parent's state (dynamic
    /// TILEDATA is not inherited, PASID is reset); it inherits perm and guest_perm, LOCKED bit included, only when
    /// dynamic sizing is enabled (fpu_inherit_perms), else it starts with the defaults of R63. The forking thread's
    /// sigaltstack is inherited.
    /// </summary>
    public LinuxProcess Fork(int threadId = LeaderId)
    {
        var parent = Thread(threadId);
        var child = new LinuxProcess(Boot);
        var thread = child.AddThread(new Fpu { Fpstate = CloneTaskFpstate(parent.Fpu.OwnFpstate) });
        thread.SigaltstackSize = parent.SigaltstackSize;
        if (Boot.DynamicSizing)
        {
            child.Perm = Perm;
            child.GuestPerm = GuestPerm;
        }
        return child;
    }

    /// <summary>
    /// execve() in <paramref name="threadId"/>: the other threads are gone and the caller becomes the leader;
    /// fpu_flush_thread resets its fpstate to the defaults with the init_fpstate contents and the permissions to the
    /// defaults of R63 (LOCKED cleared); begin_new_exec clears the sigaltstack.
    /// </summary>
    public void Exec(int threadId = LeaderId)
    {
        Thread(threadId);
        _threads.Clear();
        _nextThreadId = LeaderId;
        AddThread(new Fpu { Fpstate = FpstateOps.NewTaskFpstate(Boot) });
        (Perm, GuestPerm) = DefaultPermissions(Boot);
    }

    /// <summary>False once the whole group has exited (<see cref="Exit"/>).</summary>
    public bool Alive { get; private set; } = true;

    /// <summary>
    /// exit_group(): every thread runs do_exit → exit_thread → fpu__drop, and its fpstate goes with the task
    /// (arch_release_task_struct → fpstate_free). The group's permissions are not consulted again.
    /// </summary>
    public void Exit()
    {
        _threads.Clear();
        Alive = false;
    }

    private LinuxThread AddThread(Fpu fpu)
    {
        var thread = new LinuxThread(_nextThreadId++, fpu);
        _threads.Add(thread);
        return thread;
    }

    /// <summary>
    /// The child's fpstate in fpu_clone: fpstate_reset (kernel defaults, R51), then save_fpregs_to_fpstate of the
    /// parent's registers with RFBM = the child's xfeatures (so only default features, never TILEDATA), then
    /// XSTATE_BV[PASID] cleared.
    /// </summary>
    private Fpstate CloneTaskFpstate(Fpstate parent)
    {
        var child = new Fpstate();
        FpstateOps.Reset(Boot, child, guest: false);
        FpstateCopy.SaveInto(Boot, parent, child);
        if (Boot.XsaveEnabled) child.XstateBv = new FeatureMask(child.XstateBv).Without(XFeature.Pasid).Bits;
        return child;
    }
}
