using Xsave.Contract.Linux;
using static Xsave.Optimized.MutationTests.Linux.SigFrameImage;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// PKRU through signal frames on Sapphire Rapids (PKU, OSPKE; PKRU at standard offset 0xA80): update_pkru_in_sigframe
/// (H17) writes the task's PKRU into the frame and sets XSTATE_BV[PKRU] even when the value is 0; the handler starts with
/// init_pkru_value 0x55555554 (fpu__clear_user_states, R61a); sigreturn loads PKRU from the frame when the sw xfeatures
/// name it, else initialises it to 0 (restore_fpregs_from_user); a cloned thread and a forked child start from the
/// parent's PKRU (copy_thread read_pkru). Without OSPKE (the kernel built without protection keys) the kernel neither
/// forces PKRU into the frame nor writes the default. Every step must be the oracle's; the frame words are pinned.
/// </summary>
public class SignalPkruFrameTests
{
    private const string Spr = "intel-sapphirerapids-806f8";
    private const int Pkru = 0xA80;
    private const ulong PkruBit = 1UL << 9;

    [Fact]
    public void FrameCarriesThePkruValue_HandlerGetsTheDefault()
    {
        var steps = KernelDifferential.Run(Spr,
            new WritePkruOp(1, 0, 0xC),
            new SignalDeliverOp(1, 0),
            new SignalDeliverOp(1, 0));
        var first = steps[1].Outcome!.Data!;
        Assert.Equal(0xCu, U32(first, Pkru));
        Assert.NotEqual(0UL, U64(first, XstateBv) & PkruBit);
        Assert.Equal(0x5555_5554u, U32(steps[2].Outcome!.Data!, Pkru));
    }

    /// <summary>PKRU = 0 is its init value, yet the frame marks it in use (H17).</summary>
    [Fact]
    public void ZeroPkru_StillMarkedInTheFrame()
    {
        var steps = KernelDifferential.Run(Spr, new WritePkruOp(1, 0, 0), new SignalDeliverOp(1, 0));
        var frame = steps[1].Outcome!.Data!;
        Assert.Equal(0u, U32(frame, Pkru));
        Assert.NotEqual(0UL, U64(frame, XstateBv) & PkruBit);
    }

    /// <summary>
    /// The handler's edits: XSTATE_BV[PKRU] cleared (XRSTOR initialises PKRU: 0), or PKRU left out of the sw xfeatures
    /// (not restored, initialised afterwards: 0), or a new value (loaded). The next frame shows the task's PKRU.
    /// </summary>
    [Theory]
    [InlineData(XstateBv, PkruBit, 0u)]
    [InlineData(SwXfeatures, PkruBit, 0u)]
    [InlineData(Pkru, 0xCUL ^ 0x30UL, 0x30u)]
    [InlineData(-1, 0UL, 0xCu)]
    public void Sigreturn_LoadsOrInitialisesPkru(int at, ulong xor, uint after)
    {
        var steps = KernelDifferential.Run(Spr,
            new WritePkruOp(1, 0, 0xC),
            new SignalDeliverOp(1, 0),
            new SigreturnOp(1, 0, [], at, xor),
            new SignalDeliverOp(1, 0));
        Assert.Null(steps[2].Outcome!.Signal);
        Assert.Equal(after, U32(steps[3].Outcome!.Data!, Pkru));
    }

    /// <summary>A frame written by the test with its own PKRU value: sigreturn loads it (thread.pkru), the next frame has it.</summary>
    [Fact]
    public void SigreturnFromAnEditedFrame_LoadsItsPkru()
    {
        int user = OracleBoot.UserSize(Spr);
        var frame = With32(Frame(user, 0x602E7 & ~(1UL << 18), 0x207), Pkru, 0x30);
        var steps = KernelDifferential.Run(Spr, new SigreturnOp(1, 0, frame), new SignalDeliverOp(1, 0));
        Assert.Null(steps[0].Outcome!.Signal);
        Assert.Equal(0x30u, U32(steps[1].Outcome!.Data!, Pkru));
    }

    [Fact]
    public void ThreadAndFork_StartFromTheParentsPkru()
    {
        var steps = KernelDifferential.Run(Spr,
            new WritePkruOp(1, 0, 0xC),
            new SpawnThreadOp(1),
            new ForkOp(1),
            new SignalDeliverOp(1, 1),
            new SignalDeliverOp(2, 0));
        Assert.Equal(0xCu, U32(steps[3].Outcome!.Data!, Pkru));
        Assert.Equal(0xCu, U32(steps[4].Outcome!.Data!, Pkru));
    }

    /// <summary>Without OSPKE: PKRU is neither forced into the frame nor reset for the handler.</summary>
    [Fact]
    public void WithoutOspke_NoForcedPkru()
    {
        var config = KernelConfig.Default with { ProtectionKeys = false };
        var steps = KernelDifferential.Run(Spr, config,
            new SignalDeliverOp(1, 0),
            new SigreturnOp(1, 0, []),
            new SignalDeliverOp(1, 0));
        Assert.Null(steps[1].Outcome!.Signal);
    }
}
