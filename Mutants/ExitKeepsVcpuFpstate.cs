using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// Process exit (issue 11, no H entry): exit_group and execve are taken to leave the process's VMs alone, as if the
/// KVM fds were not closed (exit_files, do_close_on_exec) — the vCPUs and their guest fpstates leak, and the WARN
/// that fpu_free_guest_fpstate gives for a guest fpstate still in use (H25) never comes.
/// </summary>
public sealed class ExitKeepsVcpuFpstate(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:exit-keeps-vcpu-fpstate";
    public override string Description => "exit_group/execve keep the process's vCPUs and guest fpstates (no destroy, no WARN)";
    public override string Source => "kvm_destroy_vm → kvm_arch_vcpu_destroy → fpu_free_guest_fpstate when the last VM fd closes at exit (kernel/exit.c exit_files); the leak's visible symptom is the WARN of H25";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        /// <summary>The vCPUs the real close destroyed, as they were just before it.</summary>
        private readonly Dictionary<int, VcpuSnapshot> _kept = [];

        public override KernelOutcome Apply(KernelOp op)
        {
            if (op is not (ExitGroupOp or ExecOp)) return Inner.Apply(op);
            var before = Inner.Snapshot();
            var outcome = Inner.Apply(op);
            if (before is not null && Inner.Snapshot() is { } after)
                foreach (var v in before.Vcpus.Where(v => v.Alive && !after.Vcpus[v.Id].Alive && !_kept.ContainsKey(v.Id)))
                    _kept[v.Id] = v;
            return outcome.Signal == KernelSignal.Warn ? outcome with { Signal = null } : outcome;
        }

        public override KernelSnapshot? Snapshot()
        {
            var s = Inner.Snapshot();
            return s is null || _kept.Count == 0 ? s : s with { Vcpus = s.Vcpus.Select(v => _kept.GetValueOrDefault(v.Id) ?? v).ToList() };
        }
    }
}
