using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// sigaltstack_size_valid's bound itself (R66): a stack must be larger than max_frame_size - fpu_default_state_size +
/// perm.__user_state_size. On Sapphire Rapids that is 11952 - 11124 + 2816 = 3644 before the AMX permission (checked in
/// strict mode only) and 11952 - 11124 + 11008 = 11836 after it: the bound is refused, one byte more accepted.
/// Every step must be the oracle's; the results are pinned.
/// </summary>
public class SigaltstackBoundTests
{
    private const string Spr = "intel-sapphirerapids-806f8";
    private const long Enomem = -12;

    [Theory]
    [InlineData(3644UL, Enomem)]
    [InlineData(3645UL, 0L)]
    public void Strict_BeforePermission(ulong size, long expected)
    {
        var steps = KernelDifferential.Run(Spr, KernelConfig.Default with { StrictSigaltstackSize = true },
            new SigaltstackOp(1, 0, size));
        Assert.Equal(expected, steps[0].Outcome!.Result);
    }

    [Theory]
    [InlineData(11836UL, Enomem)]
    [InlineData(11837UL, 0L)]
    public void AfterPermission(ulong size, long expected)
    {
        var steps = KernelDifferential.Run(Spr,
            new ArchPrctlOp(1, 0x1023, 18),
            new SigaltstackOp(1, 0, size));
        Assert.Equal(0, steps[0].Outcome!.Result);
        Assert.Equal(expected, steps[1].Outcome!.Result);
    }
}
