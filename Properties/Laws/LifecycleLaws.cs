using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using static Xsave.Properties.Laws.KernelInvariantLaws;

namespace Xsave.Properties.Laws;

/// <summary>
/// The end of a process (exit_group) and execve in a multi-threaded process, checked on the implementation alone after
/// random sequences. Which VMs must die is worked out here from the operations (creation, fork's dup_fd, the closes of
/// execve and exit), never read from the implementation.
/// </summary>
public static class LifecycleLaws
{
    public static IEnumerable<ConformanceProperty> All()
    {
        yield return Invariant("kernel.exit.releases-vcpus", ["R85", "R56", "R61", "H25"], ContractPart.LinuxProcess, kvm: true,
            "exit_group: the process is reported dead with no threads, no other process changes, and every vCPU of a VM whose last fd it held is destroyed; execve: one thread without a sigaltstack, and the same for the VMs it held (O_CLOEXEC). A VM another process still holds (fork) lives on.",
            (ctx, s, t) =>
            {
                var fds = new FdTables();
                return Each(t.Transitions(), tr =>
                {
                    var released = fds.Apply(tr.Op, tr.Step.Outcome!);
                    if (released is null) return null;
                    int pid = tr.Op is ExitGroupOp x ? x.Pid : ((ExecOp)tr.Op).Pid;
                    var p = tr.After.Processes[pid - 1];
                    if (tr.Op is ExitGroupOp)
                    {
                        if (p.Alive || p.Threads.Count != 0) return $"p{pid} after exit_group: alive={p.Alive}, {p.Threads.Count} threads";
                        var changed = tr.Before.Processes.Zip(tr.After.Processes).FirstOrDefault(x => x.First.Pid != pid && x.First != x.Second);
                        if (changed.First is not null) return $"p{changed.First.Pid} changed when p{pid} exited";
                    }
                    else if (p.Threads.Count != 1 || p.Threads[0].SigaltstackSize != 0)
                        return $"p{pid} after execve: {p.Threads.Count} threads, sigaltstack {p.Threads.FirstOrDefault()?.SigaltstackSize}";
                    foreach (var v in tr.Before.Vcpus.Where(v => v.Alive))
                    {
                        bool dies = released.Contains(v.Id);
                        if (tr.After.Vcpus[v.Id].Alive == dies)
                            return $"vcpu{v.Id} {(dies ? "still alive" : "destroyed")} after {OpText.Describe(tr.Op)} (its VM's fds are {(dies ? "all closed" : "still held")})";
                    }
                    return null;
                });
            },
            // Vacuous: half the sequences end in an exit or exec; measured at most 54%.
            Events(0.65, RunEvents.Exit, RunEvents.Exec, RunEvents.VcpuReleased),
            inputs: ctx => Generators.ScenarioGen.Arbitrary(ctx, Generators.ScenarioGen.EndingIn(ctx, kvm: true, Generators.ScenarioGen.ExitTail, Generators.ScenarioGen.VmmExecTail)));
    }

    /// <summary>Which processes hold each VM's fds, from the operations alone.</summary>
    private sealed class FdTables
    {
        private readonly Dictionary<int, int> _vmOfVcpu = [];
        private readonly Dictionary<int, int> _ownVm = [];
        private readonly Dictionary<int, HashSet<int>> _holders = [];

        /// <summary>Follows one applied operation; for a successful exit or exec, the vCPUs whose VM lost its last fd.</summary>
        public HashSet<int>? Apply(KernelOp op, KernelOutcome o)
        {
            switch (op)
            {
                case VcpuCreateOp c when o.Created is int id:
                    if (!_ownVm.TryGetValue(c.Pid, out int vm)) _holders[vm = _ownVm[c.Pid] = _holders.Count] = [c.Pid];
                    _vmOfVcpu[id] = vm;
                    return null;
                case ForkOp f when o.Created is int child:
                    foreach (var h in _holders.Values) if (h.Contains(f.Pid)) h.Add(child);
                    return null;
                case ExitGroupOp or ExecOp when o.Result == 0:
                    int pid = op is ExitGroupOp e ? e.Pid : ((ExecOp)op).Pid;
                    _ownVm.Remove(pid);
                    var dead = _holders.Where(h => h.Value.Remove(pid) && h.Value.Count == 0).Select(h => h.Key).ToHashSet();
                    return _vmOfVcpu.Where(x => dead.Contains(x.Value)).Select(x => x.Key).ToHashSet();
                default:
                    return null;
            }
        }
    }
}
