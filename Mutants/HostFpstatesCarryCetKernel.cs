using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// The CET series' rejected case 3 done by accident: every task's fpstate carries CET_KERNEL (XFEATURE_MASK_GUEST_SUPERVISOR
/// left in the host default mask), so host buffers hold guest-only state (SPEC R39, I8).
/// </summary>
public sealed class HostFpstatesCarryCetKernel(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:host-cet-kernel";
    public override string Description => "I8/R39: host (task) fpstates carry CET_KERNEL like guest fpstates";
    public override string Source => "x86/fpu/xstate: XFEATURE_MASK_GUEST_SUPERVISOR kept out of fpu_kernel_cfg.default_features (CET series), R39/I8";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelSnapshot? Snapshot()
        {
            var snap = Inner.Snapshot();
            if (snap is null || !Boot.Kernel.MaxFeatures.Contains(XFeature.CetKernel)) return snap;
            return snap with
            {
                Processes = snap.Processes.Select(p => p with
                {
                    Threads = p.Threads.Select(t => t.Fpstate.IsGuest ? t : t with
                    {
                        Fpstate = t.Fpstate with
                        {
                            Xfeatures = t.Fpstate.Xfeatures.With(XFeature.CetKernel),
                            XcompBv = Boot.Compacted ? t.Fpstate.XcompBv.With(XFeature.CetKernel) : t.Fpstate.XcompBv,
                        },
                    }).ToList(),
                }).ToList(),
            };
        }
    }
}
