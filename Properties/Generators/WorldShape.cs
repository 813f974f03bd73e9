using System.Collections.Immutable;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;

namespace Xsave.Properties.Generators;

/// <summary>
/// Which names exist after a sequence of operations: processes (with their thread count) and vCPUs (alive or not).
/// The generator uses it to name only things that exist; the shrinker to drop operations whose target was removed.
/// </summary>
public sealed record WorldShape(ImmutableList<int> ThreadCounts, ImmutableList<(int Pid, bool Alive)> Vcpus)
{
    public const int MaxProcesses = 3;
    public const int MaxThreads = 3;
    public const int MaxVcpus = 3;

    public static WorldShape Initial { get; } = new([1], []);

    /// <summary>Processes that have exited. Their names stay valid (an operation naming one is answered -ESRCH); the
    /// generator no longer picks them.</summary>
    public ImmutableHashSet<int> Exited { get; init; } = [];

    /// <summary>vCPUs whose creator closed its fds (execve's close-on-exec, exit): still names (answered -EBADF or
    /// -ESRCH), no longer picked by the generator.</summary>
    public ImmutableHashSet<int> Closed { get; init; } = [];

    /// <summary>After a boot that died: no process, no vCPU (IKernel).</summary>
    public static WorldShape Empty { get; } = new([], []);

    public int Processes => ThreadCounts.Count;

    /// <summary>The pids of processes that have not exited.</summary>
    public IEnumerable<int> LiveProcesses => Enumerable.Range(1, Processes).Where(p => !Exited.Contains(p));

    /// <summary>vCPUs not destroyed whose creator can still issue ioctls on them.</summary>
    public IEnumerable<int> LiveVcpus => Vcpus.Select((v, id) => (v, id)).Where(x => x.v.Alive && !Closed.Contains(x.id)).Select(x => x.id);

    /// <summary>Whether every name the operation uses exists (its target, <see cref="KernelOps"/>).</summary>
    public bool Accepts(KernelOp op) => KernelOps.Address(op) switch
    {
        (int pid, int tid, null) => HasThread(pid, tid),
        (int pid, null, null) => HasProcess(pid),
        (null, null, int vcpu) => HasVcpu(vcpu),
        var other => throw new InvalidOperationException($"{op.GetType().Name} names {other}"),
    };

    /// <summary>The shape after the operation, assuming creations succeed (its effect, <see cref="KernelOps"/>).</summary>
    public WorldShape After(KernelOp op)
    {
        var (pid, _, vcpu) = KernelOps.Address(op);
        return KernelOps.For(op).Effect switch
        {
            OpEffect.None => this,
            OpEffect.SpawnsThread => this with { ThreadCounts = ThreadCounts.SetItem(pid!.Value - 1, ThreadCounts[pid.Value - 1] + 1) },
            OpEffect.ForksProcess => this with { ThreadCounts = ThreadCounts.Add(1) },
            // execve: the other threads are gone (de_thread), the caller becomes the only thread.
            // execve also closes the O_CLOEXEC KVM fds: the process can no longer reach its vCPUs.
            OpEffect.ExecsProcess => this with { ThreadCounts = ThreadCounts.SetItem(pid!.Value - 1, 1), Closed = ClosedBy(pid.Value) },
            // exit_group: the threads and the fds are gone; the names stay (-ESRCH).
            OpEffect.ExitsProcess => this with { Exited = Exited.Add(pid!.Value), Closed = ClosedBy(pid.Value) },
            OpEffect.CreatesVcpu => this with { Vcpus = Vcpus.Add((pid!.Value, true)) },
            OpEffect.DestroysVcpu => this with { Vcpus = Vcpus.SetItem(vcpu!.Value, (Vcpus[vcpu.Value].Pid, false)) },
            var e => throw new InvalidOperationException($"unknown effect {e}"),
        };
    }

    /// <summary>The operations of <paramref name="ops"/> whose names exist when they run, in order.</summary>
    public static List<KernelOp> KeepValid(IEnumerable<KernelOp> ops)
    {
        var shape = Initial;
        var kept = new List<KernelOp>();
        foreach (var op in ops)
        {
            if (!shape.Accepts(op)) continue;
            kept.Add(op);
            shape = shape.After(op);
        }
        return kept;
    }

    private ImmutableHashSet<int> ClosedBy(int pid) => Closed.Union(Enumerable.Range(0, Vcpus.Count).Where(id => Vcpus[id].Pid == pid));

    private bool HasProcess(int pid) => pid >= 1 && pid <= ThreadCounts.Count;
    private bool HasThread(int pid, int tid) => HasProcess(pid) && tid >= 0 && tid < ThreadCounts[pid - 1];
    private bool HasVcpu(int id) => id >= 0 && id < Vcpus.Count && Vcpus[id].Alive;
}
