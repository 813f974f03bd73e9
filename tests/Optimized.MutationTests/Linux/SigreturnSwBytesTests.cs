using Xsave.Contract.Linux;
using static Xsave.Optimized.MutationTests.Linux.SigFrameImage;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// rt_sigreturn's check of the software bytes (R72, fpu/signal.c check_xstate_in_sigframe): magic1, xstate_size at
/// least sizeof(struct xregs_state), at most the task's user_size and at most extended_size, then magic2 at
/// xstate_size, which must be readable. A frame failing the checks is restored as a plain FXSAVE image; one whose sw
/// bytes or magic2 cannot be read is a SIGSEGV. Each boundary from both sides, on the Skylake client (XSAVES, no PKU).
/// To tell the XRSTOR path from the fx-only one, every frame has a reserved header bit set (byte 528): XRSTOR faults on
/// it (#GP, SDM 13.8 — SIGSEGV), FXRSTOR never reads the header. Every step must be the oracle's (KernelDifferential);
/// the oracle's signal for the sigreturn is pinned.
/// </summary>
public class SigreturnSwBytesTests
{
    private const string Skylake = "intel-skylake-506e3";
    private const int HeaderReserved = 528;

    private static readonly int User = OracleBoot.UserSize(Skylake);
    private static readonly ulong Features = OracleBoot.Of(Skylake).User.DefaultFeatures.Bits;

    public enum Edit { None, XstateSize576, XstateSize575, XstateSizeAboveUser, ExtendedBelowXstate, ExtendedEqualsXstate, Magic1, Magic2, Magic2Cut, FrameOf512, FrameOf511, FxOnlyFrameOf512 }

    private static byte[] Build(Edit edit)
    {
        var f = edit switch
        {
            Edit.XstateSize576 => Frame(576, Features, 0x3),
            Edit.XstateSize575 => Frame(575, Features, 0x3),
            Edit.XstateSizeAboveUser => Frame(User + 64, Features, Features),
            _ => Frame(User, Features, Features),
        };
        f[HeaderReserved] = 1;
        return edit switch
        {
            Edit.ExtendedBelowXstate => With32(f, SwExtended, (uint)User - 1),
            Edit.ExtendedEqualsXstate => With32(f, SwExtended, (uint)User),
            Edit.Magic1 => With32(f, SwMagic1, Magic1 ^ 1),
            Edit.Magic2 => With32(f, User, Magic2 ^ 1),
            Edit.Magic2Cut => f[..(User + 3)],
            Edit.FrameOf512 => f[..512],
            Edit.FrameOf511 => f[..511],
            Edit.FxOnlyFrameOf512 => With32(f, SwMagic1, 0)[..512],
            _ => f,
        };
    }

    [Theory]
    [InlineData(Edit.None, true)]                // valid sw bytes: XRSTOR, which faults on the header
    [InlineData(Edit.XstateSize576, true)]       // the smallest accepted xstate_size
    [InlineData(Edit.XstateSize575, false)]      // below it: fx-only
    [InlineData(Edit.XstateSizeAboveUser, false)] // above user_size: fx-only
    [InlineData(Edit.ExtendedBelowXstate, false)] // xstate_size > extended_size: fx-only
    [InlineData(Edit.ExtendedEqualsXstate, true)] // xstate_size = extended_size: accepted
    [InlineData(Edit.Magic1, false)]
    [InlineData(Edit.Magic2, false)]
    [InlineData(Edit.Magic2Cut, true)]           // magic2 unreadable: SIGSEGV
    [InlineData(Edit.FrameOf512, true)]          // sw bytes readable, magic2 not
    [InlineData(Edit.FrameOf511, true)]          // sw bytes unreadable
    [InlineData(Edit.FxOnlyFrameOf512, false)]   // no magic1: FXRSTOR of the 512 bytes there are
    public void SwBytes_DecideXrstorOrFxOnly(Edit edit, bool sigsegv)
    {
        var steps = KernelDifferential.Run(Skylake,
            new PtraceSetXstateOp(1, 0, Regs(User, Features, 0x1FC0)),
            new SigreturnOp(1, 0, Build(edit)),
            new PtraceGetXstateOp(1, 0, User));
        Assert.Equal(sigsegv ? KernelSignal.SigSegv : null, steps[1].Outcome!.Signal);
    }

    /// <summary>
    /// restore_fpregs_from_user: only the sw xfeatures the task has are restored (xrestore = fx_sw.xfeatures &amp;
    /// user_xfeatures), the rest of its user features initialised. With YMM left out, YMM0's upper half is zero after.
    /// </summary>
    [Theory]
    [InlineData(0x3UL)]
    [InlineData(0x1UL)]
    [InlineData(0x5UL)]
    [InlineData(0x2UL)]
    public void SwXfeatures_SelectWhatIsRestored(ulong sw)
    {
        var frame = Frame(User, sw | 1UL << 18, Features, mxcsr: 0x1FC0);
        var steps = KernelDifferential.Run(Skylake, new SigreturnOp(1, 0, frame), new PtraceGetXstateOp(1, 0, User));
        Assert.Null(steps[0].Outcome!.Signal);
        var regs = steps[1].Outcome!.Data!;
        Assert.Equal((sw & 0x4) != 0 ? 0xB2 : 0, regs[Ymm0Hi]);
        Assert.Equal((sw & 0x2) != 0 ? 0xA1 : 0, regs[Xmm0]);
    }

    /// <summary>The fx-only path is FXRSTOR: MXCSR bits outside MXCSR_MASK (0xFFFF here) are #GP, SIGSEGV.</summary>
    [Theory]
    [InlineData(0x1F80u, false)]
    [InlineData(0xFFFFu, false)]
    [InlineData(0x11F80u, true)]
    public void FxOnlyFrame_MxcsrOutsideTheMask_Sigsegv(uint mxcsr, bool sigsegv)
    {
        var frame = With32(Frame(User, Features, Features, mxcsr), SwMagic1, 0);
        var steps = KernelDifferential.Run(Skylake, new SigreturnOp(1, 0, frame), new PtraceGetXstateOp(1, 0, User));
        Assert.Equal(sigsegv ? KernelSignal.SigSegv : null, steps[0].Outcome!.Signal);
    }
}
