using Xsave.Contract;
using Xsave.Contract.Linux;
using static Xsave.Optimized.MutationTests.Linux.SigFrameImage;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// Signal frames of an AMX task on Sapphire Rapids (R57, R72): once #NM has enabled TILEDATA the task's user_size is
/// user.max_size (11008), so its frame is 11012 bytes and must fit the sigaltstack (installed before the permission:
/// validate_sigaltstack wants 11952); TILEDATA in its init state is left out of XSAVE's RFBM (SIGFRAME_INITOPT), in use
/// it is saved and sigreturn loads it back. A thread that never enabled AMX keeps the 2820-byte frame. Every step must
/// be the oracle's; the frame lengths and the tile bytes are pinned.
/// </summary>
public class AmxSignalFrameTests
{
    private const string Spr = "intel-sapphirerapids-806f8";
    private const int TileData = 0xB00; // standard offset of XTILEDATA on Sapphire Rapids (Hosts.cs)
    private static readonly FeatureMask TileDataBit = new(1UL << 18);

    [Fact]
    public void AmxTask_FrameGrows_AndCarriesTheTiles()
    {
        var image = Regs(11008, 0x602E7);
        image.AsSpan(TileData, 64).Fill(0x5A);
        var steps = KernelDifferential.Run(Spr,
            new SpawnThreadOp(1),
            new SigaltstackOp(1, 0, 12000),
            new ArchPrctlOp(1, 0x1023, 18),
            new XfdFaultOp(1, 0, TileDataBit),
            new SignalDeliverOp(1, 0, OnAltstack: true), // tiles in init state
            new SigreturnOp(1, 0, []),
            new PtraceSetXstateOp(1, 0, image),
            new SignalDeliverOp(1, 0, OnAltstack: true), // tiles in use
            new PtraceGetXstateOp(1, 0, 11008),
            new SigreturnOp(1, 0, []),
            new PtraceGetXstateOp(1, 0, 11008),
            new SignalDeliverOp(1, 1));
        Assert.Equal(0, steps[2].Outcome!.Result);
        Assert.Equal(11012, steps[4].Outcome!.Data!.Length);
        Assert.Equal(0UL, U64(steps[4].Outcome!.Data!, XstateBv) & 1UL << 18);
        Assert.Equal(0, steps[6].Outcome!.Result);
        var frame = steps[7].Outcome!.Data!;
        Assert.NotEqual(0UL, U64(frame, XstateBv) & 1UL << 18);
        Assert.Equal(0x5A, frame[TileData]);
        Assert.Equal(0, steps[8].Outcome!.Data![TileData]); // the handler starts with the tiles initialised
        Assert.Null(steps[9].Outcome!.Signal);
        Assert.Equal(0x5A, steps[10].Outcome!.Data![TileData]);
        Assert.Equal(2820, steps[11].Outcome!.Data!.Length);
    }
}
