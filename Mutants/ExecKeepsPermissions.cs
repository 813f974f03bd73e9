using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// R61: execve keeps the dynamic-feature permissions (AMX) the old image requested, host and guest, instead of
/// resetting them to the defaults (fpu_flush_thread → fpstate_reset). Put back through the contract: after each
/// execve the decorator requests again what was permitted before it.
/// </summary>
public sealed class ExecKeepsPermissions(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:exec-keeps-perm";
    public override string Description => "R61: execve keeps ARCH_REQ_XCOMP_(GUEST_)PERM permissions instead of resetting them";
    public override string Source => "x86/fpu: Reset permission and fpstate on exec (Chang Bae/tglx, AMX series 5.16: fpu_flush_thread → fpstate_reset)";

    private const int TileData = Uapi.ArchPrctl.XcompTiledata;

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            if (op is not ExecOp exec) return Inner.Apply(op);
            var before = Inner.Snapshot()?.Processes.FirstOrDefault(p => p.Pid == exec.Pid);
            var outcome = Inner.Apply(op);
            if (outcome.Result != 0 || before is null) return outcome;
            if (before.Perm.StatePerm.Contains(TileData)) Inner.Apply(new ArchPrctlOp(exec.Pid, Uapi.ArchPrctl.ReqXcompPerm, TileData));
            if (before.GuestPerm.StatePerm.Contains(TileData)) Inner.Apply(new ArchPrctlOp(exec.Pid, Uapi.ArchPrctl.ReqXcompGuestPerm, TileData));
            return outcome;
        }
    }
}
