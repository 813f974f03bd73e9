using Xsave.Contract.Linux;
using static Xsave.Optimized.MutationTests.Linux.SigFrameImage;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// Signal frames of a kernel booted without XSAVE ("noxsave", R72 with use_xsave() false): delivery writes a plain
/// FXSAVE image with the sw bytes (fxsave_to_user_sigframe, save_sw_bytes) and no magic2; rt_sigreturn FXRSTORs the
/// legacy region (#GP on MXCSR bits outside MXCSR_MASK, #PF past the frame: SIGSEGV and the user states reset).
/// The registers are read back through the next frame. Every step must be the oracle's; the oracle's frame length and
/// signals are pinned. Not pinned: the handler's state and the state after a failed sigreturn — the kernel resets x87,
/// SSE and MXCSR there (restore_fpregs_from_init_fpstate FXRSTORs init_fpstate whatever the mask), both models leave
/// them as they were on a noxsave boot (fpstate xfeatures 0): a finding of the unmeasured-scopes run, not fixed here.
/// </summary>
public class SignalNoXsaveTests
{
    private const string Skylake = "intel-skylake-506e3";
    private static readonly KernelConfig NoXsave = KernelConfig.Default with { NoXsave = true };

    [Fact]
    public void Deliver_WritesTheLegacyRegion_SigreturnReadsItBack()
    {
        var steps = KernelDifferential.Run(Skylake, NoXsave,
            new SigreturnOp(1, 0, Regs(512, 0, 0x1FC0)),
            new SignalDeliverOp(1, 0),
            new SignalDeliverOp(1, 0),
            new SigreturnOp(1, 0, []),
            new SignalDeliverOp(1, 0),
            new MinSigStkSzOp(1));
        var frame = steps[1].Outcome!.Data!;
        Assert.Equal(512, frame.Length);
        Assert.Equal(0x1FC0u, U32(frame, Mxcsr));
        Assert.Equal(0xA1, frame[Xmm0]);
        Assert.Equal(512, steps[2].Outcome!.Data!.Length);
        Assert.Null(steps[3].Outcome!.Signal);
    }

    [Theory]
    [InlineData(512, 0x1FC0u, false)]
    [InlineData(512, 0xFFFFu, false)]
    [InlineData(512, 0x11F80u, true)] // MXCSR outside MXCSR_MASK: FXRSTOR #GP
    [InlineData(463, 0x1FC0u, true)]  // the legacy region cut short: #PF (511..464: the models disagree, see the report)
    [InlineData(1024, 0x1FC0u, false)]
    public void Sigreturn_FxrstorsTheFrame(int length, uint mxcsr, bool sigsegv)
    {
        var frame = Regs(Math.Max(length, 512), 0, mxcsr)[..length];
        var steps = KernelDifferential.Run(Skylake, NoXsave,
            new SigreturnOp(1, 0, Regs(512, 0, 0x1F81)),
            new SigreturnOp(1, 0, frame),
            new SignalDeliverOp(1, 0));
        Assert.Equal(sigsegv ? KernelSignal.SigSegv : null, steps[1].Outcome!.Signal);
        if (!sigsegv) Assert.Equal(mxcsr, U32(steps[2].Outcome!.Data!, Mxcsr));
    }

    /// <summary>With no frame delivered, the stack holds none: the restore reads nothing and fails.</summary>
    [Fact]
    public void SigreturnWithoutADeliveredFrame_Sigsegv()
    {
        var steps = KernelDifferential.Run(Skylake, NoXsave, new SigreturnOp(1, 0, []));
        Assert.Equal(KernelSignal.SigSegv, steps[0].Outcome!.Signal);
    }
}
