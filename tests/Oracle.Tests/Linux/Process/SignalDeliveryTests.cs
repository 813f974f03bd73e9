using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.Linux.Process;

/// <summary>
/// R72 delivery and return through the oracle's world (SignalDelivery): the sigaltstack check of get_sigframe (KO §6a
/// sizes), the handler's fresh state (fpu__clear_user_states: init values, init_pkru_value), the frame kept on the
/// thread's stack and edited there, and AT_MINSIGSTKSZ (KO §1b).
/// </summary>
public class SignalDeliveryTests
{
    [Theory]
    [InlineData(2048UL, false)]
    [InlineData(2400UL, false)]
    [InlineData(3000UL, true)]
    [InlineData(3376UL, true)]
    public void Altstack_FitsAsMeasured(ulong size, bool fits)
    {
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        Assert.Equal(fits, SignalFrames.FitsAltstack(boot, process.Leader.Fpu.Fpstate, size));
    }

    [Fact]
    public void MinSigStkSz_ThroughTheContract_Is3376_OnTheKoHost() =>
        Assert.Equal(3376UL, new OracleKernel(Zen5Ko(), KernelConfig.Default).Apply(new MinSigStkSzOp(1)).Value);

    [Fact]
    public void Handler_StartsWithInitStates_AndInitPkru_OnSapphireRapids()
    {
        var k = new OracleKernel(Spr(), KernelConfig.Default);
        k.Apply(new WritePkruOp(1, 0, 0x12));
        var frame = k.Apply(new SignalDeliverOp(1, 0)).Data!;
        Assert.Equal(0x12u, U32(frame, 2688));
        var regs = k.Apply(new PtraceGetXstateOp(1, 0, 11008)).Data!;
        // ptrace shows only PKRU in use, with init_pkru_value (pkru_write_default, R61a).
        Assert.Equal(1UL << 9, U64(regs, 512) & 0x602e7);
        Assert.Equal(0x55555554u, U32(regs, 2688));
        Assert.Equal((ushort)0x37F, U16(regs, 0));
        Assert.Equal(0x1F80u, U32(regs, 24));
    }

    [Fact]
    public void Sigreturn_EditsTheFrameOnTheStack_AndKeepsTheEdit()
    {
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        var t = process.Leader;
        var frame = SignalDelivery.Deliver(boot, t, onAltstack: false).Frame!;
        var r = SignalDelivery.Return(boot, t, [], 536, 1); // header byte 24: accepted (KO §6a)
        Assert.Equal(SigreturnOutcome.Restored, r.Outcome);
        Assert.Equal(frame[536] ^ 1, t.StackFrame[536]);
        var again = SignalDelivery.Return(boot, t, [], 528, 1); // header byte 16 on top: #GP
        Assert.Equal(SigreturnOutcome.FailedSigsegv, again.Outcome);
    }

    [Fact]
    public void Sigreturn_WithoutAFrame_Fails()
    {
        var boot = Zen5Boot();
        var t = LinuxProcess.Start(boot).Leader;
        Assert.Equal(SigreturnOutcome.FailedSigsegv, SignalDelivery.Return(boot, t, [], -1, 0).Outcome);
    }
}
