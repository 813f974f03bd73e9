using System.Diagnostics;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Kvm;
using Xsave.Optimized.Linux.Process;
using Xsave.Optimized.Linux.Signal;
using Xsave.Optimized.Linux.Uabi;

namespace Xsave.Optimized.Linux.World;

/// <summary>
/// The optimized implementation behind the contract's <see cref="IKernel"/>: one boot (<see cref="BootTables"/>), the
/// thread groups (pid = 1 + index, in creation order), and the KVM part (<see cref="KvmSubsystem"/>, which names
/// vCPUs). Operations dispatch straight to the kernel-style functions; plain results share cached outcomes.
/// Names that do not exist are a caller bug (<see cref="ArgumentException"/>), as in the oracle's world.
/// </summary>
public sealed class OptimizedKernel : IKernel
{
    private readonly List<TaskGroup> _groups = [];
    private readonly KvmSubsystem _kvm;
    private readonly Func<int, TaskGroup> _groupById;

    public OptimizedKernel(CpuModel cpu, KernelConfig config) : this(BootTables.Build(cpu, config)) { }

    public OptimizedKernel(BootTables boot)
    {
        Tables = boot;
        Boot = boot.Summary();
        // A boot that died at XSETBV has no user space: no thread group, and Apply refuses.
        if (!boot.Failed) _groups.Add(TaskLifecycle.Start(boot));
        _groupById = Group;
        _kvm = new KvmSubsystem(boot);
    }

    public BootTables Tables { get; }

    public BootSummary Boot { get; }

    public IReadOnlyList<TaskGroup> Groups => _groups;

    public KvmSubsystem Kvm => _kvm;

    /// <summary>The thread group of <paramref name="pid"/> (1-based).</summary>
    public TaskGroup Group(int pid) =>
        (uint)(pid - 1) < (uint)_groups.Count ? _groups[pid - 1] : throw new ArgumentException($"no process {pid}");

    public KernelOutcome Apply(KernelOp op)
    {
        if (Tables.Failed) throw new InvalidOperationException($"the kernel did not boot ({Boot.Failure}): no operation can run");
        var b = Tables;
        // A process that has exited can make no system call and cannot be traced: -ESRCH, whatever the operation.
        if (CallerExited(op)) return Outcome(-(long)Errno.ESRCH);
        switch (op)
        {
            case ArchPrctlOp o:
            {
                long r = XstatePrctl.ArchPrctl(b, Group(o.Pid), o.Option, o.Arg, o.BadPointer, out ulong written);
                bool wrote = r == 0 && o.Option is XstatePrctl.GetXcompSupp or XstatePrctl.GetXcompPerm or XstatePrctl.GetXcompGuestPerm;
                return wrote ? new KernelOutcome(r, written) : Outcome(r);
            }
            case SigaltstackOp o:
            {
                var g = Group(o.Pid);
                return Outcome(Sigaltstack.Set(b, g, Thread(g, o.Pid, o.Tid), o.Size));
            }
            case SpawnThreadOp o:
            {
                int tid = TaskLifecycle.SpawnThread(b, Group(o.Pid));
                return new KernelOutcome(tid, Created: tid);
            }
            case ForkOp o:
            {
                _groups.Add(TaskLifecycle.Fork(b, Group(o.Pid)));
                _groups[^1].Leader.SignalFrame = Group(o.Pid).Leader.SignalFrame; // fork copies the stack
                int pid = _groups.Count;
                _kvm.DupFds(o.Pid, pid);
                return new KernelOutcome(pid, Created: pid);
            }
            case ExecOp o:
                // begin_new_exec: de_thread, flush_thread (FPU, permissions, PKRU), then do_close_on_exec (the KVM fds).
                TaskLifecycle.Exec(b, Group(o.Pid));
                return _kvm.CloseFds(o.Pid) ? new KernelOutcome(0, Signal: KernelSignal.Warn) : Outcome(0);
            case ExitGroupOp o:
                TaskLifecycle.Exit(Group(o.Pid));
                return _kvm.CloseFds(o.Pid) ? new KernelOutcome(0, Signal: KernelSignal.Warn) : Outcome(0);
            case XfdFaultOp o:
            {
                var g = Group(o.Pid);
                long r = XfdTrap.Handle(b, g, Thread(g, o.Pid, o.Tid), o.XfdErr.Bits, out var kind);
                return kind switch
                {
                    XfdTrapKind.SigIll => new KernelOutcome(r, Signal: KernelSignal.SigIll),
                    XfdTrapKind.SigSegv => new KernelOutcome(r, Signal: KernelSignal.SigSegv),
                    XfdTrapKind.NotXfdEvent => new KernelOutcome(r, Signal: KernelSignal.UnexpectedNm),
                    XfdTrapKind.Retry => Outcome(r),
                    _ => throw new UnreachableException($"#NM outcome {kind}"),
                };
            }
            case WritePkruOp o:
            {
                var g = Group(o.Pid);
                TaskPkru.Write(b, Thread(g, o.Pid, o.Tid), o.Value);
                return Outcome(0);
            }
            case PtraceGetXstateOp o:
            {
                var g = Group(o.Pid);
                long r = XstateRegset.Get(b, Thread(g, o.Pid, o.Tid), o.IovLen, out var data);
                return r < 0 ? Outcome(r) : new KernelOutcome(r, Data: data);
            }
            case PtraceSetXstateOp o:
            {
                var g = Group(o.Pid);
                return Outcome(XstateRegset.Set(b, Thread(g, o.Pid, o.Tid), o.Data));
            }
            case SignalDeliverOp o:
            {
                RequireFrames64(b);
                var g = Group(o.Pid);
                var frame = SigFrame.Deliver(b, Thread(g, o.Pid, o.Tid), o.OnAltstack);
                return frame is null ? new KernelOutcome(-(long)Errno.EFAULT, Signal: KernelSignal.SigSegv) : new KernelOutcome(0, Data: frame);
            }
            case SigreturnOp o:
            {
                RequireFrames64(b);
                var g = Group(o.Pid);
                var t = Thread(g, o.Pid, o.Tid);
                bool fromStack = o.Frame.Length == 0;
                var memory = (byte[])(fromStack ? t.SignalFrame : o.Frame).Clone();
                XorInto(memory, o.XorAt, o.Xor);
                if (fromStack) t.SignalFrame = memory;
                return SigRestore.Restore(b, t, memory) ? Outcome(0) : new KernelOutcome(0, Signal: KernelSignal.SigSegv);
            }
            case MinSigStkSzOp o:
                Group(o.Pid);
                return new KernelOutcome(0, b.MaxFrameSize);
            case KvmCheckExtensionOp or KvmGetSupportedCpuidOp or VcpuCreateOp or VcpuDestroyOp or SetCpuid2Op or GetCpuid2Op
                or GetXcrsOp                 or SetXcrsOp or SetMsrOp or GetMsrOp or KvmRunOp or GetXsaveOp or GetXsave2Op or SetXsaveOp or VcpuInitOp:
                return _kvm.Apply(op, _groupById);
            default:
                // Every contract operation is listed above: a new one must be modelled, never answered by default.
                throw new UnreachableException($"operation {op.GetType().Name} is not part of the contract");
        }
    }

    public KernelSnapshot? Snapshot()
    {
        var processes = new ProcessSnapshot[_groups.Count];
        for (int i = 0; i < processes.Length; i++)
        {
            var g = _groups[i];
            var threads = new ThreadSnapshot[g.Threads.Count];
            for (int k = 0; k < threads.Length; k++)
                threads[k] = new ThreadSnapshot(k, g.Threads[k].SigaltstackSize, SnapshotOf(g.Threads[k].Own));
            processes[i] = new ProcessSnapshot(i + 1, !g.Exited, Perm(g.Perm), Perm(g.GuestPerm), threads);
        }
        return new KernelSnapshot(processes, _kvm.Snapshot());
    }

    /// <summary>struct fpstate as the contract reports it; a legacy buffer (no header) reports XSTATE_BV = XCOMP_BV = 0.</summary>
    public static FpStateSnapshot SnapshotOf(Fpstate f) => new(f.Size, f.UserSize, new FeatureMask(f.Xfeatures),
        new FeatureMask(f.UserXfeatures), new FeatureMask(f.Xfd), f.IsGuest, f.InUse, new FeatureMask(f.XstateBv),
        new FeatureMask(f.XcompBv), FpStateSnapshot.HashOf(f.Regs));

    private static PermSnapshot Perm(FpuStatePerm p) => new(new FeatureMask(p.StatePerm), p.StateSize, p.UserStateSize);

    /// <summary>Only 64-bit frames are modelled (a 32-bit kernel's ia32 frames take other paths in fpu/signal.c).</summary>
    private static void RequireFrames64(BootTables b)
    {
        if (!b.Config.Is64Bit) throw new NotSupportedException("signal frames of a 32-bit kernel (ia32 frames) are not modelled");
    }

    /// <summary>The handler's edit: XOR of 8 little-endian bytes at <paramref name="at"/>, cut at the end.</summary>
    private static void XorInto(byte[] memory, int at, ulong xor)
    {
        if (at < 0 || at >= memory.Length) return;
        Span<byte> word = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(word, xor);
        int n = Math.Min(8, memory.Length - at);
        for (int k = 0; k < n; k++) memory[at + k] ^= word[k];
    }

    /// <summary>Whether the process the operation names (or, for a vCPU ioctl, the process that created the vCPU) has exited.</summary>
    private bool CallerExited(KernelOp op)
    {
        int pid = op switch
        {
            ArchPrctlOp o => o.Pid, SigaltstackOp o => o.Pid, SpawnThreadOp o => o.Pid, ForkOp o => o.Pid, ExecOp o => o.Pid,
            ExitGroupOp o => o.Pid, XfdFaultOp o => o.Pid, WritePkruOp o => o.Pid, PtraceGetXstateOp o => o.Pid,
            PtraceSetXstateOp o => o.Pid, KvmCheckExtensionOp o => o.Pid, KvmGetSupportedCpuidOp o => o.Pid, VcpuCreateOp o => o.Pid,
            SignalDeliverOp o => o.Pid, SigreturnOp o => o.Pid, MinSigStkSzOp o => o.Pid,
            _ => _kvm.OwnerOf(op),
        };
        return pid > 0 && Group(pid).Exited;
    }

    private static TaskThread Thread(TaskGroup g, int pid, int tid) =>
        g.Thread(tid) ?? throw new ArgumentException($"no thread {tid} in process {pid}");

    // Plain results are immutable records: the common ones are shared instead of allocated per system call.
    private const int CachedMin = -128, CachedMax = 1;
    private static readonly KernelOutcome[] Cached = BuildCache();

    private static KernelOutcome[] BuildCache()
    {
        var cache = new KernelOutcome[CachedMax - CachedMin + 1];
        for (int k = 0; k < cache.Length; k++) cache[k] = new KernelOutcome(CachedMin + k);
        return cache;
    }

    private static KernelOutcome Outcome(long r) => r >= CachedMin && r <= CachedMax ? Cached[r - CachedMin] : new KernelOutcome(r);
}
