using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// arch_prctl's XCOMP family past what the smoke tests cover (R64, R65, R67): on a 32-bit kernel the REQ options are
/// -EOPNOTSUPP and the GET options still answer; validate_sigaltstack refuses a permission whose frame does not fit a
/// thread's installed sigaltstack (-ENOSPC below max_frame_size - user.max_size + the new user size, 11952 on
/// Sapphire Rapids with AMX: 11951 refused, 11952 granted), for every thread, and never for the guest permission;
/// GET_XCOMP_GUEST_PERM after the first vCPU leaves LOCKED out. Every step must be the oracle's; results are pinned.
/// </summary>
public class ArchPrctlEdgeTests
{
    private const string Spr = "intel-sapphirerapids-806f8";
    private const int GetSupp = 0x1021, GetPerm = 0x1022, ReqPerm = 0x1023, GetGuestPerm = 0x1024, ReqGuestPerm = 0x1025;
    private const long Eopnotsupp = -95, Enospc = -28;

    [Fact]
    public void ThirtyTwoBitKernel_RequestsRefused_GetsAnswer()
    {
        var steps = KernelDifferential.Run(Spr, KernelConfig.Default with { Is64Bit = false },
            new ArchPrctlOp(1, ReqPerm, 18), new ArchPrctlOp(1, ReqGuestPerm, 18),
            new ArchPrctlOp(1, GetSupp, 0x7000), new ArchPrctlOp(1, GetPerm, 0x7000), new ArchPrctlOp(1, GetGuestPerm, 0x7000),
            new ArchPrctlOp(1, ReqPerm, 99));
        Assert.Equal(Eopnotsupp, steps[0].Outcome!.Result);
        Assert.Equal(Eopnotsupp, steps[1].Outcome!.Result);
        Assert.Equal(0, steps[2].Outcome!.Result);
    }

    [Theory]
    [InlineData(11951UL, 0, Enospc)]
    [InlineData(11952UL, 0, 0L)]
    [InlineData(11951UL, 1, Enospc)]
    [InlineData(11952UL, 1, 0L)]
    public void RequestPerm_ChecksEveryThreadsSigaltstack(ulong size, int tid, long expected)
    {
        var steps = KernelDifferential.Run(Spr,
            new SpawnThreadOp(1),
            new SigaltstackOp(1, 1 - tid, 65536),
            new SigaltstackOp(1, tid, size),
            new ArchPrctlOp(1, ReqPerm, 18),
            new ArchPrctlOp(1, GetPerm, 0x7000));
        Assert.Equal(expected, steps[3].Outcome!.Result);
    }

    [Fact]
    public void GuestPermission_IgnoresSigaltstack_AndHidesLocked()
    {
        var steps = KernelDifferential.Run(Spr,
            new SigaltstackOp(1, 0, 2048),
            new ArchPrctlOp(1, ReqGuestPerm, 18),
            new VcpuCreateOp(1),
            new ArchPrctlOp(1, GetGuestPerm, 0x7000),
            new ArchPrctlOp(1, ReqGuestPerm, 18),
            new ArchPrctlOp(1, GetPerm, 0x7000));
        Assert.Equal(0, steps[1].Outcome!.Result);
        Assert.Equal(0UL, steps[3].Outcome!.Value!.Value & 1UL << 63);
        Assert.Equal(0, steps[4].Outcome!.Result); // already permitted: the lockless fast path, LOCKED or not
    }
}
