using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// H14 (R55, R85, I7): __fpstate_reset before the fix set every fpstate's xfd to init_fpstate.xfd, guest fpstates
/// included, so on an AMX host with XFD a new vCPU starts with IA32_XFD = TILEDATA instead of the architectural reset
/// value 0: KVM_GET_MSRS(IA32_XFD) (and a guest RDMSR) read it, KVM_SET_XSAVE drops TILEDATA from the image (R89's
/// masking by fpstate.xfd), and a guest's first tile use faults #NM. Put back through the contract: the stale value
/// is reported (results and snapshot) until the first IA32_XFD write, and handed to the inner kernel as a
/// host-initiated write as soon as it accepts one (the guest CPUID enables AMX), so its own model shows the rest.
/// </summary>
public sealed class GuestXfdStartsArmed(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h14-guest-xfd-starts-armed";
    public override string Description => "H14/I7: a new vCPU's guest fpstate starts with the host's init XFD (TILEDATA armed), not IA32_XFD = 0";
    public override string Source => "x86/fpu: Make XFD initialization in __fpstate_reset() a function argument (Jing Liu, AMX-KVM series, Jan 2022), H14";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private const uint Xfd = Uapi.Msr.Ia32Xfd;

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        // init_fpstate.xfd = user.max_features & XFEATURE_MASK_USER_DYNAMIC (only TILEDATA is dynamic).
        private readonly ulong _initXfd = (inner.Boot.User.MaxFeatures & FeatureMask.Of(XFeature.XtileData)).Bits;

        // vCPUs whose fpstate.xfd is still the stale value the inner kernel has not taken yet.
        private readonly Dictionary<int, ulong> _stale = [];

        public override KernelOutcome Apply(KernelOp op)
        {
            if (_initXfd == 0) return Inner.Apply(op);
            switch (op)
            {
                case VcpuCreateOp:
                {
                    var created = Inner.Apply(op);
                    if (created.Created is int id) _stale[id] = _initXfd;
                    return created;
                }
                case SetCpuid2Op cpuid:
                {
                    var outcome = Inner.Apply(op);
                    // R83: a host write is taken once the guest CPUID makes TILEDATA a guest-supported dynamic feature.
                    if (outcome.Result == 0 && _stale.TryGetValue(cpuid.Vcpu, out ulong stale)
                        && Inner.Apply(new SetMsrOp(cpuid.Vcpu, Xfd, stale)).Result == 1)
                        _stale.Remove(cpuid.Vcpu);
                    return outcome;
                }
                case SetMsrOp { Msr: Xfd } write:
                {
                    var outcome = Inner.Apply(op);
                    if (outcome.Result == 1) _stale.Remove(write.Vcpu);
                    return outcome;
                }
                case GetMsrOp { Msr: Xfd } read when _stale.TryGetValue(read.Vcpu, out ulong stale):
                {
                    var outcome = Inner.Apply(op);
                    return outcome.Result == 1 ? outcome with { Value = stale } : outcome;
                }
                case SetXsaveOp set when _stale.TryGetValue(set.Vcpu, out ulong stale)
                                         && XsaveImage.Read(set.Image).XstateBv is ulong bv && (bv & stale) != 0:
                {
                    // R89: XSTATE_BV &= ~fpstate.xfd, silently.
                    var image = (byte[])set.Image.Clone();
                    XsaveImage.Write(image).XstateBv(bv & ~stale);
                    return Inner.Apply(set with { Image = image });
                }
                case KvmRunOp run when _stale.TryGetValue(run.Vcpu, out ulong stale):
                    return Run(run, stale);
                default:
                    return Inner.Apply(op);
            }
        }

        /// <summary>Guest RDMSR(IA32_XFD) reads the stale value until the guest's own WRMSR(IA32_XFD) completes.</summary>
        private KernelOutcome Run(KvmRunOp run, ulong stale)
        {
            var outcome = Inner.Apply(run);
            if (outcome.Exits is not { } exits) return outcome;
            var patched = exits.ToList();
            for (int i = 0; i < run.Exits.Count && i < patched.Count; i++)
            {
                if (patched[i].Kind != GuestExitKind.Completed) continue;
                if (run.Exits[i] is GuestWrmsr { Msr: Xfd })
                {
                    _stale.Remove(run.Vcpu);
                    break;
                }
                if (run.Exits[i] is GuestRdmsr { Msr: Xfd }) patched[i] = GuestExit.Read(stale);
            }
            return outcome with { Exits = patched };
        }

        public override KernelSnapshot? Snapshot()
        {
            var snap = Inner.Snapshot();
            if (snap is null || _stale.Count == 0) return snap;
            var vcpus = snap.Vcpus.Select(v => v.Alive && _stale.TryGetValue(v.Id, out ulong stale) && v.Fpstate is { } f
                ? v with { Xfd = new FeatureMask(stale), Fpstate = f with { Xfd = new FeatureMask(stale) } }
                : v).ToList();
            return snap with { Vcpus = vcpus };
        }
    }
}
