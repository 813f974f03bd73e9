using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// Whether a signal frame fits the sigaltstack (R72, arch/x86/kernel/signal.c get_sigframe): from the stack's top the
/// math frame (xstate_sigframe_size = user_size + 4) rounded down to 64, then struct rt_sigframe (440 bytes), rounded
/// down to 16 minus 8; it fits iff that sp is still above the base (on_sig_stack). On Sapphire Rapids before AMX
/// (user_size 2816, frame 2820): sizes from 3332 fit (math frame at 512, sp 56), 3331 does not (math frame at 448,
/// sp -8).
/// A refused delivery is -EFAULT with SIGSEGV and writes nothing. Every step must be the oracle's.
/// </summary>
public class AltstackFitTests
{
    private const string Spr = "intel-sapphirerapids-806f8";

    [Theory]
    [InlineData(3331UL, false)]
    [InlineData(3332UL, true)]
    [InlineData(3395UL, true)]
    [InlineData(2048UL, false)]
    public void Spr_FitBoundary(ulong size, bool fits)
    {
        var steps = KernelDifferential.Run(Spr,
            new SigaltstackOp(1, 0, size),
            new SignalDeliverOp(1, 0, OnAltstack: true),
            new SignalDeliverOp(1, 0));
        Assert.Equal(0, steps[0].Outcome!.Result);
        Assert.Equal(fits ? null : KernelSignal.SigSegv, steps[1].Outcome!.Signal);
        Assert.Equal(fits ? 0 : -14, steps[1].Outcome!.Result);
    }

    /// <summary>SA_ONSTACK without a sigaltstack installed (or after SS_DISABLE): the frame goes on the normal stack.</summary>
    [Fact]
    public void OnAltstackWithoutOne_DeliversNormally()
    {
        var steps = KernelDifferential.Run(Spr,
            new SignalDeliverOp(1, 0, OnAltstack: true),
            new SigaltstackOp(1, 0, 2048),
            new SigaltstackOp(1, 0, 0),
            new SignalDeliverOp(1, 0, OnAltstack: true));
        Assert.Null(steps[0].Outcome!.Signal);
        Assert.Null(steps[3].Outcome!.Signal);
    }

    /// <summary>Another thread's small sigaltstack does not matter for this thread's delivery.</summary>
    [Fact]
    public void OnlyTheDeliveringThreadsStackCounts()
    {
        var steps = KernelDifferential.Run(Spr,
            new SpawnThreadOp(1),
            new SigaltstackOp(1, 1, 2048),
            new SigaltstackOp(1, 0, 4096),
            new SignalDeliverOp(1, 0, OnAltstack: true),
            new SignalDeliverOp(1, 1, OnAltstack: true));
        Assert.Null(steps[3].Outcome!.Signal);
        Assert.Equal(KernelSignal.SigSegv, steps[4].Outcome!.Signal);
    }
}
