using Xsave.Contract.Linux;
using static Xsave.Optimized.MutationTests.Linux.SigFrameImage;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// Where MXCSR comes from after rt_sigreturn (R23, R24, R72): a standard-form XRSTOR loads it whenever RFBM has SSE or
/// YMM, a compacted-form one only with SSE in RFBM (0x1F80 when XSTATE_BV[SSE] is clear); the features the frame does
/// not restore are initialised from init_fpstate afterwards (os_xrstor, compacted on an XSAVES kernel). And a task
/// whose saved MXCSR is not 0x1F80 has SSE in use (XINUSE[1], KO §5a/§5b), which its next frame's XSTATE_BV shows.
/// On Sapphire Rapids (compacted kernel buffer) and on it booted with noxsaves and clearcpuid=xsavec (standard).
/// </summary>
public class SigreturnMxcsrTests
{
    private const string Spr = "intel-sapphirerapids-806f8";

    public static TheoryData<bool> Formats() => new() { true, false };

    private static KernelConfig Config(bool compactedKernel) =>
        compactedKernel ? KernelConfig.Default : KernelConfig.Default with { NoXsaves = true, ClearCpuid = CpuidFlags.Xsavec };

    [Theory]
    [InlineData(true, 0x5UL, false)]
    [InlineData(true, 0x5UL, true)]
    [InlineData(true, 0x3UL, true)]
    [InlineData(false, 0x5UL, false)]
    [InlineData(false, 0x5UL, true)]
    [InlineData(false, 0x1UL, false)]
    [InlineData(false, 0x3UL, false)] // YMM initialised afterwards: on a standard kernel that reloads MXCSR 0x1F80 too
    public void FrameMxcsr_LoadedByTheFormsRule(bool compactedKernel, ulong sw, bool compactedFrame)
    {
        var config = Config(compactedKernel);
        int user = OracleBoot.UserSize(Spr, config), regset = OracleBoot.RegsetSize(Spr, config);
        var frame = Frame(user, sw, 0x5, mxcsr: 0x1FC0);
        if (compactedFrame) With64(frame, XcompBv, 1UL << 63 | 0x7);
        var steps = KernelDifferential.Run(Spr, config,
            new PtraceSetXstateOp(1, 0, Regs(regset, 0x3, 0x1F81)),
            new SigreturnOp(1, 0, frame),
            new PtraceGetXstateOp(1, 0, regset),
            new SignalDeliverOp(1, 0));
        Assert.Equal(0, steps[0].Outcome!.Result);
        Assert.Null(steps[1].Outcome!.Signal);
    }

    /// <summary>
    /// A ptrace write with XSTATE_BV = FP|YMM and MXCSR 0x1FC0 (R69 copies MXCSR with SSE or YMM): the task's buffer has
    /// XSTATE_BV[SSE] clear and MXCSR not 0x1F80, in the compacted and the standard buffer; then frames and sigreturn.
    /// </summary>
    [Theory]
    [MemberData(nameof(Formats))]
    public void MxcsrWithoutSse_ThroughFrames(bool compactedKernel)
    {
        var config = Config(compactedKernel);
        int regset = OracleBoot.RegsetSize(Spr, config);
        var steps = KernelDifferential.Run(Spr, config,
            new PtraceSetXstateOp(1, 0, Regs(regset, 0x5, 0x1FC0)),
            new PtraceGetXstateOp(1, 0, regset),
            new SignalDeliverOp(1, 0),
            new SigreturnOp(1, 0, []),
            new PtraceGetXstateOp(1, 0, regset),
            new PtraceSetXstateOp(1, 0, Regs(regset, 0x1, 0x1F80)),
            new SignalDeliverOp(1, 0));
        Assert.Equal(0, steps[0].Outcome!.Result);
        Assert.Null(steps[3].Outcome!.Signal);
    }
}
