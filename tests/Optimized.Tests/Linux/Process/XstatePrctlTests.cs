namespace Xsave.Optimized.Tests.Linux.Process;

/// <summary>arch_prctl XCOMP family (SPEC R64, R65, R67): KO §2 on the measured host, AMX paths on Sapphire Rapids.</summary>
public class XstatePrctlTests
{
    private const long EINVAL = -22, EFAULT = -14, EOPNOTSUPP = -95, EBUSY = -16, ENOSPC = -28;

    private static long Prctl(BootTables b, TaskGroup g, int option, ulong arg, out ulong value, bool bad = false) =>
        XstatePrctl.ArchPrctl(b, g, option, arg, bad, out value);

    [Theory]
    [InlineData(XstatePrctl.GetXcompSupp)]
    [InlineData(XstatePrctl.GetXcompPerm)]
    [InlineData(XstatePrctl.GetXcompGuestPerm)]
    public void Get_ObservedZen5_IsE7(int option)
    {
        // KO §2: every GET reports 0xe7 (CET_S/bit 12 masked out of the guest permission).
        var b = Hosts.Zen5();
        Assert.Equal(0, Prctl(b, Hosts.Start(b), option, 0x7000, out var v));
        Assert.Equal(0xe7UL, v);
    }

    [Theory]
    [InlineData(XstatePrctl.GetXcompSupp, false)]
    [InlineData(XstatePrctl.GetXcompPerm, true)]
    [InlineData(XstatePrctl.GetXcompGuestPerm, true)]
    public void Get_NullOrBadPointer_Efault(int option, bool bad)
    {
        // KO §2: any GET with arg = NULL or 0x1 -> -EFAULT.
        var b = Hosts.Zen5();
        Assert.Equal(EFAULT, Prctl(b, Hosts.Start(b), option, bad ? 1UL : 0UL, out _, bad));
    }

    [Theory]
    [InlineData(0x1020)]
    [InlineData(0x1026)]
    public void UnknownOption_Einval(int option)
    {
        var b = Hosts.Zen5();
        Assert.Equal(EINVAL, Prctl(b, Hosts.Start(b), option, 0x7000, out _));
    }

    public static TheoryData<ulong> Below20() { var d = new TheoryData<ulong>(); for (ulong i = 0; i < 20; i++) d.Add(i); return d; }

    [Theory]
    [MemberData(nameof(Below20))]
    public void Req_ObservedZen5_EveryComponentEopnotsupp(ulong idx)
    {
        // KO §2: idx 0..19 (already permitted, supervisor, AMX, APX) -> -EOPNOTSUPP, host and guest alike.
        var b = Hosts.Zen5();
        var g = Hosts.Start(b);
        Assert.Equal(EOPNOTSUPP, Prctl(b, g, XstatePrctl.ReqXcompPerm, idx, out _));
        Assert.Equal(EOPNOTSUPP, Prctl(b, g, XstatePrctl.ReqXcompGuestPerm, idx, out _));
    }

    [Theory]
    [InlineData(20UL)]
    [InlineData(65UL)]
    [InlineData(0xffffffffUL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 40)]
    public void Req_IndexBeyondXfeatureMax_Einval(ulong idx)
    {
        var b = Hosts.Zen5();
        var g = Hosts.Start(b);
        Assert.Equal(EINVAL, Prctl(b, g, XstatePrctl.ReqXcompPerm, idx, out _));
        Assert.Equal(EINVAL, Prctl(b, g, XstatePrctl.ReqXcompGuestPerm, idx, out _));
    }

    [Fact]
    public void Req_TileData_GrantsPermissionWithSizes()
    {
        // R65 step 6 / R67: perm |= TILEDATA; __state_size = compacted size, __user_state_size = standard size.
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = Hosts.Start(b);
        Assert.Equal(0, Prctl(b, g, XstatePrctl.ReqXcompPerm, 18, out _));
        Assert.Equal(new FpuStatePerm(Hosts.SprKernelDefault | 1UL << 18, Hosts.SprKernelMaxSize, Hosts.SprUserMaxSize), g.Perm);
        Assert.Equal(0, Prctl(b, g, XstatePrctl.GetXcompPerm, 0x7000, out var v));
        // I10: GET never shows supervisor bits (PASID, CET_U).
        Assert.Equal(Hosts.SprUserMax, v);
    }

    [Fact]
    public void Req_TileCfgAlone_Eopnotsupp()
    {
        // R65 step 2: a facility is named by its highest component; 17 is not requestable.
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        Assert.Equal(EOPNOTSUPP, Prctl(b, Hosts.Start(b), XstatePrctl.ReqXcompPerm, 17, out _));
    }

    [Fact]
    public void ReqGuest_AfterFirstVcpu_EbusyUnlessAlreadyPermitted()
    {
        // R63/R65 step 5: the first guest fpstate locks guest permissions; step 4 lets an already-permitted request pass.
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var locked = Hosts.Start(b);
        Assert.NotNull(FpstateOps.AllocGuest(b, locked));
        Assert.Equal(EBUSY, Prctl(b, locked, XstatePrctl.ReqXcompGuestPerm, 18, out _));
        Assert.Equal(0, Prctl(b, locked, XstatePrctl.ReqXcompPerm, 18, out _)); // host permission is not locked

        var early = Hosts.Start(b);
        Assert.Equal(0, Prctl(b, early, XstatePrctl.ReqXcompGuestPerm, 18, out _));
        Assert.NotNull(FpstateOps.AllocGuest(b, early));
        Assert.Equal(0, Prctl(b, early, XstatePrctl.ReqXcompGuestPerm, 18, out _));
        // H1: LOCKED and CET_S survive in the stored mask; GET hides both.
        Assert.Equal(Hosts.SprKernelDefault | 1UL << 12 | 1UL << 18 | 1UL << 63, early.GuestPerm.StatePerm);
        Assert.Equal(0, Prctl(b, early, XstatePrctl.GetXcompGuestPerm, 0x7000, out var v));
        Assert.Equal(Hosts.SprUserMax, v);
    }

    [Fact]
    public void Req_SmallSigaltstack_EnospcAndPermUnchanged()
    {
        // R65 validate_sigaltstack: every thread's stack must hold sigframe_size - user.max_size + usize = 11952 here.
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = Hosts.Start(b);
        TaskLifecycle.SpawnThread(b, g);
        var before = g.Perm;
        Assert.Equal(0, Sigaltstack.Set(b, g, g.Threads[1], Hosts.SprMaxFrameSize - 1));
        Assert.Equal(ENOSPC, Prctl(b, g, XstatePrctl.ReqXcompPerm, 18, out _));
        Assert.Equal(before, g.Perm);
        Assert.Equal(0, Sigaltstack.Set(b, g, g.Threads[1], Hosts.SprMaxFrameSize));
        Assert.Equal(0, Prctl(b, g, XstatePrctl.ReqXcompPerm, 18, out _));
    }

    [Fact]
    public void Req_32Bit_Eopnotsupp()
    {
        var b = Hosts.Corpus(Hosts.SapphireRapids, KernelConfig.Default with { Is64Bit = false });
        Assert.Equal(EOPNOTSUPP, Prctl(b, Hosts.Start(b), XstatePrctl.ReqXcompPerm, 25, out _));
    }
}
