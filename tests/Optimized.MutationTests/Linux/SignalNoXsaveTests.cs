using Xsave.Contract.Linux;
using static Xsave.Optimized.MutationTests.Linux.SigFrameImage;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// Signal frames of a kernel booted without XSAVE ("noxsave", R72 with use_xsave() false): delivery writes a plain
/// FXSAVE image with the sw bytes (fxsave_to_user_sigframe, save_sw_bytes) and no magic2; rt_sigreturn FXRSTORs the
/// legacy region (#GP on MXCSR bits outside MXCSR_MASK, #PF when the 512-byte operand runs past the frame: SIGSEGV).
/// The registers are read back through the next frame. Every step must be the oracle's, and the kernel's behaviour is
/// pinned: the handler, and the task after a failed sigreturn, start from the x87/SSE init state (FCW 0x37F, MXCSR
/// 0x1F80, XMM zero: SPEC R17), because restore_fpregs_from_init_fpstate FXRSTORs init_fpstate whatever its mask
/// when XSAVE is not used (fpu/core.c) — though the task's fpstate xfeatures are 0 on such a boot.
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
        AssertInit(steps[2].Outcome!.Data!); // the handler's state: handle_signal → fpu__clear_user_states
        Assert.Null(steps[3].Outcome!.Signal);
        AssertInit(steps[4].Outcome!.Data!); // the thread's last frame (the handler's init state) was restored
    }

    private static void AssertInit(byte[] frame)
    {
        Assert.Equal(512, frame.Length);
        Assert.Equal(0x037Fu, U32(frame, 0) & 0xFFFF);
        Assert.Equal(0x1F80u, U32(frame, Mxcsr));
        Assert.True(frame.AsSpan(Xmm0, 256).IndexOfAnyExcept((byte)0) < 0, "XMM0-15 not zero");
    }

    [Theory]
    [InlineData(512, 0x1FC0u, false)]
    [InlineData(512, 0xFFFFu, false)]
    [InlineData(512, 0x11F80u, true)] // MXCSR outside MXCSR_MASK: FXRSTOR #GP
    [InlineData(463, 0x1FC0u, true)]  // the operand (m512byte) runs past the frame: #PF
    [InlineData(464, 0x1FC0u, true)]  // ... even when only the software bytes 464..511 are missing (docs/findings.md S2)
    [InlineData(511, 0x1FC0u, true)]
    [InlineData(1024, 0x1FC0u, false)]
    public void Sigreturn_FxrstorsTheFrame(int length, uint mxcsr, bool sigsegv)
    {
        var frame = Regs(Math.Max(length, 512), 0, mxcsr)[..length];
        var steps = KernelDifferential.Run(Skylake, NoXsave,
            new SigreturnOp(1, 0, Regs(512, 0, 0x1F81)),
            new SigreturnOp(1, 0, frame),
            new SignalDeliverOp(1, 0));
        Assert.Equal(sigsegv ? KernelSignal.SigSegv : null, steps[1].Outcome!.Signal);
        // A failed sigreturn → fpu__clear_user_states: the old 0x1F81 does not survive.
        Assert.Equal(sigsegv ? 0x1F80u : mxcsr, U32(steps[2].Outcome!.Data!, Mxcsr));
    }

    /// <summary>With no frame delivered, the stack holds none: the restore reads nothing and fails.</summary>
    [Fact]
    public void SigreturnWithoutADeliveredFrame_Sigsegv()
    {
        var steps = KernelDifferential.Run(Skylake, NoXsave, new SigreturnOp(1, 0, []));
        Assert.Equal(KernelSignal.SigSegv, steps[0].Outcome!.Signal);
    }
}
