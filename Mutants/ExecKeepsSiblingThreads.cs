using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// execve in a multi-threaded process (issue 11, fs/exec.c de_thread): the other threads are taken to survive the
/// exec, with their sigaltstacks. Put back through the contract: after a successful execve the decorator clones the
/// lost threads again and reinstalls their sigaltstacks, so thread ids (a later clone's result) and the thread list
/// differ.
/// </summary>
public sealed class ExecKeepsSiblingThreads(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:exec-keeps-sibling-threads";
    public override string Description => "execve leaves the process's other threads (and their sigaltstacks) in place (no de_thread)";
    public override string Source => "fs/exec.c begin_new_exec → de_thread: every other thread of the group is killed before exec proceeds";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            if (op is not ExecOp exec) return Inner.Apply(op);
            var siblings = Inner.Snapshot()?.Processes[exec.Pid - 1].Threads.Skip(1).ToList() ?? [];
            var outcome = Inner.Apply(op);
            if (outcome.Result != 0) return outcome;
            foreach (var t in siblings)
            {
                var tid = Inner.Apply(new SpawnThreadOp(exec.Pid)).Created;
                if (tid is int id && t.SigaltstackSize != 0) Inner.Apply(new SigaltstackOp(exec.Pid, id, t.SigaltstackSize));
            }
            return outcome;
        }
    }
}
