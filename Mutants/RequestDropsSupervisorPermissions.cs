using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// H1 ("x86/fpu/xstate: Always preserve non-user xfeatures/flags in __state_perm"): a successful permission request
/// stored the user-only mask in __state_perm, dropping the supervisor bits (and so CET_KERNEL from guest permissions).
/// </summary>
public sealed class RequestDropsSupervisorPermissions(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h1-drop-supervisor-perm";
    public override string Description => "H1: a successful ARCH_REQ_XCOMP_(GUEST_)PERM keeps only the user bits in __state_perm";
    public override string Source => "x86/fpu/xstate: Always preserve non-user xfeatures/flags in __state_perm, H1";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config), cpu.SupportedXss);

    private sealed class Broken(IKernel inner, FeatureMask supervisor) : KernelDecorator(inner)
    {
        private readonly HashSet<int> _hostRequested = [];
        private readonly HashSet<int> _guestRequested = [];

        public override KernelOutcome Apply(KernelOp op)
        {
            var before = Inner.Snapshot();
            var outcome = Inner.Apply(op);
            if (op is ArchPrctlOp { Option: Uapi.ArchPrctl.ReqXcompPerm or Uapi.ArchPrctl.ReqXcompGuestPerm } req && outcome.Result == 0 && before is not null)
            {
                var after = Inner.Snapshot()!;
                var p = before.Processes[req.Pid - 1];
                var q = after.Processes[req.Pid - 1];
                if (req.Option == Uapi.ArchPrctl.ReqXcompPerm && p.Perm != q.Perm) _hostRequested.Add(req.Pid);
                if (req.Option == Uapi.ArchPrctl.ReqXcompGuestPerm && p.GuestPerm != q.GuestPerm) _guestRequested.Add(req.Pid);
            }
            if (op is ExecOp exec)
            {
                _hostRequested.Remove(exec.Pid);
                _guestRequested.Remove(exec.Pid);
            }
            return outcome;
        }

        public override KernelSnapshot? Snapshot()
        {
            var snap = Inner.Snapshot();
            if (snap is null) return null;
            return snap with
            {
                Processes = snap.Processes.Select(p => p with
                {
                    Perm = _hostRequested.Contains(p.Pid) ? p.Perm with { StatePerm = p.Perm.StatePerm.Except(supervisor) } : p.Perm,
                    GuestPerm = _guestRequested.Contains(p.Pid) ? p.GuestPerm with { StatePerm = p.GuestPerm.StatePerm.Except(supervisor) } : p.GuestPerm,
                }).ToList(),
            };
        }
    }
}
