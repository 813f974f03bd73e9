using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// H22: the draft cleanup of do_sigaltstack lost the '!' of "if (!sigaltstack_size_valid(ss_size)) return -ENOMEM",
/// so every size the check accepts is refused and every size it refuses is taken (Dave Hansen's catch in review).
/// Sizes below MINSIGSTKSZ still fail first, as the earlier check is untouched.
/// </summary>
public sealed class SigaltstackCheckInverted(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h22-sigaltstack-check-inverted";
    public override string Description => "H22: sigaltstack() refuses the sizes sigaltstack_size_valid accepts and takes the ones it refuses";
    public override string Source => "LKML 'Re: [GIT PULL] core/urgent for v5.16-rc6' (2021-12-19): the missing '!' in do_sigaltstack, H22";

    private const ulong MinSigStkSz = 2048;

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            if (op is not SigaltstackOp { Size: >= MinSigStkSz } set) return Inner.Apply(op);
            var previous = Inner.Snapshot()?.Processes.FirstOrDefault(p => p.Pid == set.Pid)?.Threads
                .FirstOrDefault(t => t.Tid == set.Tid)?.SigaltstackSize;
            var outcome = Inner.Apply(op);
            if (outcome.Result == -(long)Errno.ENOMEM) return outcome with { Result = 0 };
            if (outcome.Result != 0 || previous is not { } size) return outcome;
            Inner.Apply(new SigaltstackOp(set.Pid, set.Tid, size));
            return outcome with { Result = -(long)Errno.ENOMEM };
        }
    }
}
