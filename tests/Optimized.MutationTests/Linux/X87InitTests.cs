using Xsave.Contract.Linux;
using static Xsave.Optimized.MutationTests.Linux.SigFrameImage;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// The x87 init configuration a restore from init_fpstate gives (R72, SDM 13.6: FCW 0x37F, FSW, FTW, FOP, FIP, FDP and
/// the ST registers 0; MXCSR is SSE's business): a task whose x87 words 2..23 and ST0 are not zero, after the handler's
/// reset and after a sigreturn whose sw xfeatures leave x87 out (SSE alone restored, XMM0 kept). On the Skylake client.
/// Every step must be the oracle's; the reset bytes are pinned.
/// </summary>
public class X87InitTests
{
    private const string Skylake = "intel-skylake-506e3";

    private static byte[] DirtyX87(int length)
    {
        var image = Regs(length, 0x3);
        for (int i = 2; i < 24; i++) image[i] = (byte)(0x11 * (i % 15 + 1));
        image.AsSpan(32, 10).Fill(0x3C); // ST0
        return image;
    }

    [Fact]
    public void HandlerAndSigreturn_InitialiseTheWholeX87Image()
    {
        int user = OracleBoot.UserSize(Skylake);
        var steps = KernelDifferential.Run(Skylake,
            new PtraceSetXstateOp(1, 0, DirtyX87(user)),
            new SignalDeliverOp(1, 0),
            new PtraceGetXstateOp(1, 0, user),
            new SigreturnOp(1, 0, [], SwXfeatures, 0x1F ^ 0x2), // sw xfeatures 0x1f -> 0x2
            new PtraceGetXstateOp(1, 0, user));
        Assert.Equal(0x33, steps[1].Outcome!.Data![2]); // the dirty FSW reached the frame
        var handler = steps[2].Outcome!.Data!;
        Assert.Equal(0x37F, U16(handler, 0));
        Assert.True(handler.AsSpan(2, 22).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(0, handler[32]);
        Assert.Null(steps[3].Outcome!.Signal);
        var after = steps[4].Outcome!.Data!;
        Assert.True(after.AsSpan(2, 22).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(0, after[32]);
        Assert.Equal(0xA1, after[Xmm0]);
    }
}
