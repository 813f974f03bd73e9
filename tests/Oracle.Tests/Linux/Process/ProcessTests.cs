using static Xsave.Oracle.Linux.Process.ArchPrctlOptions;

namespace Xsave.Oracle.Tests.Linux.Process;

/// <summary>
/// Process lifecycle and the XFD #NM path (SPEC R59, R61). Expected values: SPEC R59/R61 text (incl. the amx
/// selftest's observations it quotes), SPEC R16 sizes.
/// </summary>
public class ProcessTests
{
    // ---- R59 ----

    [Fact]
    public void R59_AmxWithoutPermission_SigIllIllOpc()
    {
        // SPEC R59 (amx selftest handle_noperm): AMX use without permission -> SIGILL, ILL_ILLOPC; nothing grows.
        var process = LinuxProcess.Start(SprBoot());
        var fps = process.Leader.Fpu.Fpstate;
        var outcome = process.XfdNm(LinuxProcess.LeaderId, XfeatureMasks.UserDynamic);
        Assert.Equal(XfdNmKind.SigIll, outcome.Kind);
        Assert.Equal(4, outcome.Signal);
        Assert.Equal(1, outcome.SiCode);
        Assert.Equal(Errno.EPERM, outcome.EnableResult.Error);
        Assert.Same(fps, process.Leader.Fpu.Fpstate);
        // The frame of that signal: xstate_size does not reach the TILEDATA offset (2816), xfeatures lack bit 18.
        Assert.True(fps.UserSize <= 2816);
        Assert.False(fps.UserXfeatures.Contains(XFeature.XtileData));
    }

    [Fact]
    public void R59_WithPermission_RetryWithLargerFpstate()
    {
        var process = LinuxProcess.Start(SprBoot());
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        var outcome = process.XfdNm(LinuxProcess.LeaderId, XfeatureMasks.UserDynamic);
        Assert.Equal(XfdNmKind.Retry, outcome.Kind);
        Assert.Null(outcome.Signal);
        var fps = process.Leader.Fpu.Fpstate;
        Assert.Equal(10752u, fps.Size);
        Assert.Equal(11008u, fps.UserSize);
        Assert.Equal(FeatureMask.None, fps.Xfd);
    }

    [Fact]
    public void R59_AllocationFailure_SigSegv()
    {
        var process = LinuxProcess.Start(SprBoot());
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        process.FailAllocations = true;
        var outcome = process.XfdNm(LinuxProcess.LeaderId, XfeatureMasks.UserDynamic);
        Assert.Equal(XfdNmKind.SigSegv, outcome.Kind);
        Assert.Equal(11, outcome.Signal);
    }

    [Fact]
    public void R59_XfdErrZero_OrNoXfd_NotAnXfdEvent()
    {
        var spr = LinuxProcess.Start(SprBoot());
        Assert.Equal(XfdNmKind.NotXfdEvent, spr.XfdNm(LinuxProcess.LeaderId, FeatureMask.None).Kind);
        var zen5 = LinuxProcess.Start(Zen5Boot());
        Assert.Equal(XfdNmKind.NotXfdEvent, zen5.XfdNm(LinuxProcess.LeaderId, XfeatureMasks.UserDynamic).Kind);
    }

    [Fact]
    public void R59_OnlyTheFaultingThreadGrows()
    {
        var process = LinuxProcess.Start(SprBoot());
        var other = process.SpawnThread();
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        Assert.Equal(XfdNmKind.Retry, process.XfdNm(other.Id, XfeatureMasks.UserDynamic).Kind);
        Assert.Equal(10752u, other.Fpu.Fpstate.Size);
        Assert.Equal(2560u, process.Leader.Fpu.Fpstate.Size);
    }

    // ---- R61: fork ----

    [Fact]
    public void R61_Fork_InheritsPermissionsWhenDynamic()
    {
        var boot = SprBoot();
        var parent = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, parent.ArchPrctl(ReqXcompPerm, XcompTileData));
        Assert.Equal(KResult.Ok, parent.ArchPrctl(ReqXcompGuestPerm, XcompTileData));
        FpstateOps.AllocGuest(boot, parent);

        var child = parent.Fork();
        // R61: perm and guest_perm, LOCKED included.
        Assert.Equal(parent.Perm, child.Perm);
        Assert.Equal(parent.GuestPerm, child.GuestPerm);
        Assert.True(child.GuestPerm.Locked);
    }

    [Fact]
    public void R61_Fork_WithoutDynamicSizing_DefaultPermissions()
    {
        // fpu_inherit_perms acts only with dynamic sizing; on Zen 5 the child's guest perm is unlocked again.
        var boot = Zen5Boot();
        var parent = LinuxProcess.Start(boot);
        FpstateOps.AllocGuest(boot, parent);
        var child = parent.Fork();
        Assert.True(parent.GuestPerm.Locked);
        Assert.False(child.GuestPerm.Locked);
        Assert.Equal(new FpuStatePerm(Mask(0x18E7), 2472, 2432), child.GuestPerm);
    }

    [Fact]
    public void R61_Fork_TileDataNotInherited_DefaultSizeCopy()
    {
        var boot = SprBoot();
        var parent = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, parent.ArchPrctl(ReqXcompPerm, XcompTileData));
        Assert.Equal(XfdNmKind.Retry, parent.XfdNm(LinuxProcess.LeaderId, XfeatureMasks.UserDynamic).Kind);
        var pfps = parent.Leader.Fpu.Fpstate;
        pfps.XstateBv = (XfeatureMasks.UserDynamic | FeatureMask.Of(XFeature.Sse, XFeature.Pasid)).Bits;
        pfps.Regs[LegacyRegion.XmmRegisters] = 0x5A;

        var child = parent.Fork();
        var cfps = child.Leader.Fpu.Fpstate;
        // Default size and features, XFD armed again, TILEDATA and PASID not in the header, SSE state copied.
        Assert.Equal(2560u, cfps.Size);
        Assert.Equal(Mask(0x20EE7), cfps.Xfeatures);
        Assert.Equal(XfeatureMasks.UserDynamic, cfps.Xfd);
        Assert.Equal(FeatureMask.Of(XFeature.Sse), new FeatureMask(cfps.XstateBv));
        Assert.Equal(0x5A, cfps.Regs[LegacyRegion.XmmRegisters]);
        Assert.Equal(0x8000000000020EE7UL, cfps.XcompBv);
    }

    [Fact]
    public void R61_Fork_SigaltstackInherited_ThreadsGetNone()
    {
        var process = LinuxProcess.Start(Zen5Boot());
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, 8192));
        Assert.Equal(8192UL, process.Fork().Leader.SigaltstackSize);
        Assert.Equal(0UL, process.SpawnThread().SigaltstackSize);
    }

    [Fact]
    public void R61_Thread_SharesGroupPermissions()
    {
        var process = LinuxProcess.Start(SprBoot());
        var thread = process.SpawnThread();
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        // A new thread's fpstate is the default one; permission is group-wide, so it may enable AMX.
        Assert.Equal(2560u, thread.Fpu.Fpstate.Size);
        Assert.Equal(XfdNmKind.Retry, process.XfdNm(thread.Id, XfeatureMasks.UserDynamic).Kind);
    }

    // ---- R61: exec ----

    [Fact]
    public void R61_Exec_ResetsPermissionsStateAndStack()
    {
        var boot = SprBoot();
        var process = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        FpstateOps.AllocGuest(boot, process);
        process.SpawnThread();
        Assert.Equal(XfdNmKind.Retry, process.XfdNm(LinuxProcess.LeaderId, XfeatureMasks.UserDynamic).Kind);
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, 16384));

        process.Exec();
        var (perm, guestPerm) = LinuxProcess.DefaultPermissions(boot);
        // R63 values for SPR: perm {0x20EE7, 2560, 2816}, guest {0x21EE7, 2560, 2816}, LOCKED gone.
        Assert.Equal(new FpuStatePerm(Mask(0x20EE7), 2560, 2816), perm);
        Assert.Equal(new FpuStatePerm(Mask(0x21EE7), 2560, 2816), guestPerm);
        Assert.Equal(perm, process.Perm);
        Assert.Equal(guestPerm, process.GuestPerm);
        Assert.Single(process.Threads);
        var fps = process.Leader.Fpu.Fpstate;
        Assert.Equal(2560u, fps.Size);
        Assert.Equal(XfeatureMasks.UserDynamic, fps.Xfd);
        Assert.Equal(0x037F, BitConverter.ToUInt16(fps.Regs, LegacyRegion.Fcw));
        Assert.Equal(0UL, process.Leader.SigaltstackSize);
    }
}
