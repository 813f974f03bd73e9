using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// The CET series' rejected case 3 done by accident: every task's fpstate carries CET_KERNEL (XFEATURE_MASK_GUEST_SUPERVISOR
/// left in the host default mask), so host buffers hold guest-only state (SPEC R39, I8). Built as the kernel that
/// variant describes (<see cref="CetSupervisorPolicy.AllTasks"/>) passed off as the merged design: the boot reports
/// the larger default features and size, and every task's buffer grows — behaviour, not only the snapshots.
/// </summary>
public sealed class HostFpstatesCarryCetKernel(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:host-cet-kernel";
    public override string Description => "I8/R39: host (task) fpstates carry CET_KERNEL like guest fpstates";
    public override string Source => "x86/fpu/xstate: XFEATURE_MASK_GUEST_SUPERVISOR kept out of fpu_kernel_cfg.default_features (CET series), R39/I8";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) =>
        Inner.Boot(cpu, config.Policy == CetSupervisorPolicy.Merged ? config with { Policy = CetSupervisorPolicy.AllTasks } : config);
}
