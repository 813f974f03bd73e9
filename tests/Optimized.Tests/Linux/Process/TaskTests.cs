namespace Xsave.Optimized.Tests.Linux.Process;

/// <summary>sigaltstack (R66), #NM / XFD enabling (R57-R59), fork and exec (R61, R63).</summary>
public class TaskTests
{
    private const long EPERM = -1, ENOMEM = -12;

    [Theory]
    [InlineData(1024UL, ENOMEM)]
    [InlineData(2047UL, ENOMEM)]
    [InlineData(2048UL, 0L)]
    [InlineData(2400UL, 0L)]
    [InlineData(3000UL, 0L)]
    [InlineData(8192UL, 0L)]
    public void Sigaltstack_ObservedZen5_OnlyMinsigstkszChecked(ulong size, long expected)
    {
        // KO §6a: below 2048 -> ENOMEM; from 2048 accepted (no strict mode, no dynamic feature).
        var b = Hosts.Zen5();
        var g = Hosts.Start(b);
        Assert.Equal(expected, Sigaltstack.Set(b, g, g.Leader, size));
        Assert.Equal(expected == 0 ? size : 0, g.Leader.SigaltstackSize);
    }

    [Theory]
    [InlineData(false, 3000UL, 0L)]
    [InlineData(true, 3000UL, ENOMEM)]
    [InlineData(true, 3644UL, ENOMEM)]
    [InlineData(true, 3645UL, 0L)]
    public void Sigaltstack_BeforePermission_OnlyStrictModeChecks(bool strict, ulong size, long expected)
    {
        // R66 sigaltstack_size_valid on Sapphire Rapids (dynamic sizing on), no AMX permission yet: the bound is
        // 11952 - 11124 + 2816 = 3644; below it only strict mode rejects.
        var b = Hosts.Corpus(Hosts.SapphireRapids, Contract.Linux.KernelConfig.Default with { StrictSigaltstackSize = strict });
        var g = Hosts.Start(b);
        Assert.Equal(expected, Sigaltstack.Set(b, g, g.Leader, size));
    }

    [Fact]
    public void Sigaltstack_AfterAmxPermission_Bound()
    {
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = Hosts.Start(b);
        Assert.Equal(0, XstatePrctl.RequestPerm(b, g, 18, guest: false));
        Assert.Equal(ENOMEM, Sigaltstack.Set(b, g, g.Leader, 11836));
        Assert.Equal(0UL, g.Leader.SigaltstackSize);
        Assert.Equal(0, Sigaltstack.Set(b, g, g.Leader, 11837));
        // A request equal to the installed stack returns 0 before any check; disabling is always allowed.
        Assert.Equal(0, Sigaltstack.Set(b, g, g.Leader, 11837));
        Assert.Equal(0, Sigaltstack.Set(b, g, g.Leader, 0));
    }

    [Fact]
    public void XfdNm_WithoutPermission_SigIll()
    {
        // R58/R59, selftests/x86/amx.c: AMX use without permission -> SIGILL; nothing changes.
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = Hosts.Start(b);
        var before = g.Leader.Fpstate;
        Assert.Equal(EPERM, XfdTrap.Handle(b, g, g.Leader, 1UL << 18, out var kind));
        Assert.Equal(XfdTrapKind.SigIll, kind);
        Assert.Same(before, g.Leader.Fpstate);
    }

    [Fact]
    public void XfdNm_WithPermission_ReallocatesWithPermissionSizes()
    {
        // R57: size = perm.__state_size, user_size = perm.__user_state_size, xfeatures |= TILEDATA, xfd &= ~TILEDATA,
        // XCOMP_BV = xfeatures | bit 63 (R52).
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = Hosts.Start(b);
        Assert.Equal(0, XstatePrctl.RequestPerm(b, g, 18, guest: false));
        Assert.Equal(0, XfdTrap.Handle(b, g, g.Leader, 1UL << 18, out var kind));
        Assert.Equal(XfdTrapKind.Retry, kind);
        var f = g.Leader.Fpstate;
        Assert.Equal(Hosts.SprKernelMaxSize, f.Size);
        Assert.Equal((int)Hosts.SprKernelMaxSize, f.Regs.Length);
        Assert.Equal(Hosts.SprUserMaxSize, f.UserSize);
        Assert.Equal(Hosts.SprKernelDefault | 1UL << 18, f.Xfeatures);
        Assert.Equal(Hosts.SprUserMax, f.UserXfeatures);
        Assert.Equal(0UL, f.Xfd);
        Assert.Equal(f.Xfeatures | 1UL << 63, f.XcompBv);
        // I12: a repeated #NM for an enabled feature reallocates again (the kernel only gets #NM while XFD is armed),
        // but enabling nothing dynamic is a no-op.
        Assert.Equal(0, XfdTrap.Handle(b, g, g.Leader, 1UL << 17, out kind));
        Assert.Same(f, g.Leader.Fpstate);
    }

    [Fact]
    public void XfdNm_NoXfd_NotAnXfdEvent()
    {
        var b = Hosts.Zen5();
        var g = Hosts.Start(b);
        Assert.Equal(0, XfdTrap.Handle(b, g, g.Leader, 1UL << 18, out var kind));
        Assert.Equal(XfdTrapKind.NotXfdEvent, kind);
    }

    [Fact]
    public void NewTask_HostDefaultsAndInitImage()
    {
        // R51 host + R54: kernel defaults, xfd = init_fpstate.xfd, the first 576 bytes of init_fpstate.
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var f = Hosts.Start(b).Leader.Fpstate;
        Assert.Equal(Hosts.SprKernelDefaultSize, f.Size);
        Assert.Equal(Hosts.SprUserDefaultSize, f.UserSize);
        Assert.Equal(1UL << 18, f.Xfd);
        Assert.Equal(0x37F, BitConverter.ToUInt16(f.Regs, 0));
        // R61a (corrected, issue 11): process 1 was exec'd, so its saved state holds init_pkru_value: only PKRU in use.
        Assert.Equal(1UL << 9, f.XstateBv);
        Assert.Equal(Hosts.SprKernelDefault | 1UL << 63, f.XcompBv);
        Assert.False(f.IsGuest);
    }

    [Fact]
    public void Fork_DynamicSizing_InheritsPermissionsButNotTileData()
    {
        // R61: with dynamic sizing the child inherits perm and guest_perm (LOCKED too); its fpstate is the default size.
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = Hosts.Start(b);
        Assert.Equal(0, XstatePrctl.RequestPerm(b, g, 18, guest: false));
        Assert.NotNull(FpstateOps.AllocGuest(b, g));
        Assert.Equal(0, XfdTrap.Handle(b, g, g.Leader, 1UL << 18, out _));
        Assert.Equal(0, Sigaltstack.Set(b, g, g.Leader, 16384));
        var child = TaskLifecycle.Fork(b, g);
        Assert.Equal(g.Perm, child.Perm);
        Assert.True(child.GuestPerm.Locked);
        Assert.Equal(Hosts.SprKernelDefaultSize, child.Leader.Fpstate.Size);
        Assert.Equal(0UL, child.Leader.Fpstate.XstateBv & 1UL << 18);
        Assert.Equal(16384UL, child.Leader.SigaltstackSize);
    }

    [Fact]
    public void Fork_NoDynamicSizing_DefaultPermissions()
    {
        // R61: fpu_inherit_perms only with dynamic sizing: on Zen 5 the child's guest permission is not locked.
        var b = Hosts.Zen5();
        var g = Hosts.Start(b);
        Assert.NotNull(FpstateOps.AllocGuest(b, g));
        Assert.True(g.GuestPerm.Locked);
        Assert.False(TaskLifecycle.Fork(b, g).GuestPerm.Locked);
    }

    [Fact]
    public void Fork_ClearsPasidInChild()
    {
        // R61: children never inherit PASID state; R61a (corrected, issue 11): they do get the parent's live PKRU
        // (init_pkru_value after exec), so PKRU is in use in the child's buffer.
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = Hosts.Start(b);
        g.Leader.Fpstate.XstateBv = 1UL << 10 | 0x3;
        Assert.Equal(0x203UL, TaskLifecycle.Fork(b, g).Leader.Fpstate.XstateBv);
    }

    [Fact]
    public void Exec_ResetsPermissionsThreadsAndState()
    {
        // R61/R63: fpu_flush_thread -> defaults; LOCKED cleared; one thread left, no sigaltstack.
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = Hosts.Start(b);
        Assert.Equal(0, XstatePrctl.RequestPerm(b, g, 18, guest: false));
        Assert.NotNull(FpstateOps.AllocGuest(b, g));
        TaskLifecycle.SpawnThread(b, g);
        Assert.Equal(0, Sigaltstack.Set(b, g, g.Leader, 16384));
        TaskLifecycle.Exec(b, g);
        Assert.Single(g.Threads);
        Assert.Equal(new FpuStatePerm(Hosts.SprKernelDefault, Hosts.SprKernelDefaultSize, Hosts.SprUserDefaultSize), g.Perm);
        Assert.False(g.GuestPerm.Locked);
        Assert.Equal(0UL, g.Leader.SigaltstackSize);
    }

    [Fact]
    public void AllocGuest_GuestDefaultsXfdZeroUabi4096()
    {
        // R55, H3/H4/H5/H14: guest_default_cfg size and features, xfd 0, uabi_size 4096, FCW/MXCSR in memory.
        var b = Hosts.Zen5();
        var g = Hosts.Start(b);
        var gfpu = FpstateOps.AllocGuest(b, g)!;
        var f = gfpu.Fpstate!;
        Assert.Equal(2472u, f.Size);
        Assert.Equal(0x18e7UL, f.Xfeatures);
        Assert.Equal(f.Xfeatures, gfpu.Xfeatures);
        Assert.Equal(0UL, f.Xfd);
        Assert.True(f.IsGuest && f.IsValloc);
        Assert.Equal(4096u, gfpu.UabiSize);
        Assert.Equal(0x18e7UL | 1UL << 63, f.XcompBv);
        Assert.Equal(0x1F80u, BitConverter.ToUInt32(f.Regs, 24));
        // R56.
        Assert.Equal(GuestFreeResult.Freed, FpstateOps.FreeGuest(gfpu));
        Assert.Equal(GuestFreeResult.NoOp, FpstateOps.FreeGuest(gfpu));
    }

    [Fact]
    public void EnableGuestXfd_NeedsGuestPermission()
    {
        // R58: fpu_enable_guest_xfd_features -> -EPERM without ARCH_REQ_XCOMP_GUEST_PERM (KO §3d), else the guest
        // container grows and its uabi_size becomes the guest permission's user size (I9).
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = Hosts.Start(b);
        var denied = FpstateOps.AllocGuest(b, g)!;
        Assert.Equal(EPERM, FpstateOps.EnableGuestXfdFeatures(b, g, denied, 1UL << 18));

        var g2 = Hosts.Start(b);
        Assert.Equal(0, XstatePrctl.RequestPerm(b, g2, 18, guest: true));
        var gfpu = FpstateOps.AllocGuest(b, g2)!;
        Assert.Equal(0, FpstateOps.EnableGuestXfdFeatures(b, g2, gfpu, 1UL << 18));
        Assert.Equal(Hosts.SprUserMaxSize, gfpu.UabiSize);
        Assert.Equal(gfpu.Xfeatures, gfpu.Fpstate!.Xfeatures);
        Assert.Equal(Hosts.SprKernelMaxSize, gfpu.Fpstate.Size);
        Assert.True(gfpu.Fpstate.IsGuest);
    }
}
