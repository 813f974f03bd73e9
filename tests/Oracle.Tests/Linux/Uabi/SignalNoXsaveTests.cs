using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.Linux.Uabi;

/// <summary>
/// Signals on a kernel booted without XSAVE ("noxsave", R72 with use_xsave() false), seen through the contract:
/// the handler's registers and those after a failed sigreturn are read back through the next delivered frame (an
/// FXSAVE image). The expected values are the x87/SSE init state (SPEC R17; SDM FXSAVE layout): FCW 0x037F, FSW 0,
/// abridged FTW 0 (every register empty), ST0-7 and XMM0-15 zero, MXCSR 0x1F80 — what fxrstor(&amp;init_fpstate) loads in
/// restore_fpregs_from_init_fpstate (fpu/core.c), which ignores its mask without XSAVE.
/// </summary>
public class SignalNoXsaveTests
{
    private const int Fcw = 0, Fsw = 2, Ftw = 4, Mxcsr = 24, St0 = 32, Xmm0 = 160, XmmEnd = 416;

    private static OracleKernel NoXsaveKernel() =>
        new(Corpus.Cpu("intel-skylake-506e3"), KernelConfig.Default with { NoXsave = true });

    /// <summary>An FXSAVE image with non-init x87 control, MXCSR and XMM0 (struct fxregs_state layout).</summary>
    private static byte[] Dirty(int length = 512)
    {
        var image = new byte[Math.Max(length, 512)];
        Put32(image, Fcw, 0x027F);                 // precision control changed
        Put32(image, Mxcsr, 0x1FC0);               // DAZ set
        Put32(image, Mxcsr + 4, 0xFFFF);
        image.AsSpan(Xmm0, 16).Fill(0xA1);
        return image[..length];
    }

    private static void AssertInitState(byte[] frame)
    {
        Assert.Equal(512, frame.Length);
        Assert.Equal(0x037F, U16(frame, Fcw));
        Assert.Equal(0, U16(frame, Fsw));
        Assert.Equal(0, frame[Ftw]);
        Assert.Equal(0x1F80u, U32(frame, Mxcsr));
        Assert.True(AllZero(frame, St0, Xmm0), "ST0-7 not zero");
        Assert.True(AllZero(frame, Xmm0, XmmEnd), "XMM0-15 not zero");
    }

    private static bool AllZero(byte[] b, int from, int to) => !b.AsSpan(from, to - from).ContainsAnyExcept((byte)0);

    [Fact]
    public void Handler_StartsFromTheInitState_FxrstorOfInitFpstate()
    {
        var k = NoXsaveKernel();
        Assert.Null(k.Apply(new SigreturnOp(1, 0, Dirty())).Signal);
        var interrupted = k.Apply(new SignalDeliverOp(1, 0)).Data!;
        Assert.Equal(0x1FC0u, U32(interrupted, Mxcsr)); // the frame keeps the interrupted state
        Assert.Equal(0xA1, interrupted[Xmm0]);

        AssertInitState(k.Apply(new SignalDeliverOp(1, 0)).Data!); // the handler's own state
    }

    [Theory]
    [InlineData(400)]
    [InlineData(463)]
    [InlineData(464)]
    [InlineData(496)]
    [InlineData(511)]
    public void Sigreturn_FrameShorterThanTheFxrstorOperand_Sigsegv_AndResets(int length)
    {
        var k = NoXsaveKernel();
        Assert.Null(k.Apply(new SigreturnOp(1, 0, Dirty())).Signal);
        Assert.Equal(KernelSignal.SigSegv, k.Apply(new SigreturnOp(1, 0, Dirty(length))).Signal);
        AssertInitState(k.Apply(new SignalDeliverOp(1, 0)).Data!); // fpu__clear_user_states after the failure
    }

    [Fact]
    public void Sigreturn_FullFxsaveImage_IsLoaded()
    {
        var k = NoXsaveKernel();
        Assert.Null(k.Apply(new SigreturnOp(1, 0, Dirty())).Signal);
        var frame = k.Apply(new SignalDeliverOp(1, 0)).Data!;
        Assert.Equal(0x027F, U16(frame, Fcw));
        Assert.Equal(0x1FC0u, U32(frame, Mxcsr));
    }

    [Fact]
    public void Sigreturn_ReservedMxcsrBits_Sigsegv_AndResets()
    {
        var k = NoXsaveKernel();
        Assert.Null(k.Apply(new SigreturnOp(1, 0, Dirty())).Signal);
        var bad = Dirty();
        Put32(bad, Mxcsr, 0x11F80); // bit 16: outside any MXCSR_MASK, FXRSTOR #GP
        Assert.Equal(KernelSignal.SigSegv, k.Apply(new SigreturnOp(1, 0, bad)).Signal);
        AssertInitState(k.Apply(new SignalDeliverOp(1, 0)).Data!);
    }
}
