using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// The #NM handler's XFD part (R59, traps.c handle_xfd_event): not an XFD event on a 32-bit kernel, without XFD
/// (clearcpuid=xfd, which also drops AMX) or with IA32_XFD_ERR = 0 — an unexpected #NM; else xfd_enable_feature:
/// -EPERM (SIGILL) without permission, 0 (retry) with it, also for a second thread and twice. On Sapphire Rapids.
/// Every step must be the oracle's; the oracle's signals are pinned.
/// </summary>
public class XfdTrapEdgeTests
{
    private const string Spr = "intel-sapphirerapids-806f8";
    private static readonly FeatureMask TileData = new(1UL << 18);

    [Theory]
    [InlineData("32-bit")]
    [InlineData("clearcpuid=xfd")]
    public void NoXfdEvent_UnexpectedNm(string boot)
    {
        var config = boot == "32-bit"
            ? KernelConfig.Default with { Is64Bit = false }
            : KernelConfig.Default with { ClearCpuid = CpuidFlags.Xfd };
        var steps = KernelDifferential.Run(Spr, config,
            new ArchPrctlOp(1, 0x1023, 18),
            new XfdFaultOp(1, 0, TileData));
        Assert.Equal(KernelSignal.UnexpectedNm, steps[1].Outcome!.Signal);
    }

    [Fact]
    public void XfdErr_DecidesTheOutcome()
    {
        var steps = KernelDifferential.Run(Spr,
            new SpawnThreadOp(1),
            new XfdFaultOp(1, 1, FeatureMask.None),
            new XfdFaultOp(1, 1, TileData),
            new ArchPrctlOp(1, 0x1023, 18),
            new XfdFaultOp(1, 1, TileData),
            new XfdFaultOp(1, 1, TileData),
            new XfdFaultOp(1, 0, new FeatureMask(1UL << 17)),
            new XfdFaultOp(1, 0, TileData));
        Assert.Equal(KernelSignal.UnexpectedNm, steps[1].Outcome!.Signal);
        Assert.Equal(KernelSignal.SigIll, steps[2].Outcome!.Signal);
        Assert.Equal(-1, steps[2].Outcome!.Result);
        Assert.Null(steps[4].Outcome!.Signal);
        Assert.Equal(0, steps[4].Outcome!.Result);
    }
}
