using static Xsave.Oracle.Linux.Process.ArchPrctlOptions;

namespace Xsave.Oracle.Tests.Linux;

/// <summary>
/// SPEC part D invariants I6, I7, I8, I10, I11, I12 on every corpus profile. The relations are SPEC text (R45, R53,
/// R63-R67); the numbers they relate come from the oracle, which is what an invariant checks.
/// </summary>
public class InvariantTests
{
    public static TheoryData<string> AllIds() => Corpus.AllIds();

    // ---- I6 ----

    [Theory]
    [MemberData(nameof(AllIds))]
    public void I6_BootConfiguration_HoldsOnEveryProfile(string id)
    {
        var cpu = Corpus.Cpu(id);
        foreach (var policy in Enum.GetValues<CetSupervisorPolicy>())
            LinuxAssert.BootRelations(LinuxHosts.Boot(cpu, policy));

        var boot = LinuxHosts.Boot(cpu);
        if (!boot.XsaveEnabled) return;
        Assert.False(boot.Kernel.DefaultFeatures.Overlaps(XfeatureMasks.GuestSupervisor));
        // I6: CET_KERNEL in the guest default <=> SHSTK and XSAVES (after R38a) and CPUID.(0xD,1) enumerates bit 12.
        bool xsaves = cpu.HasXsaves && !(cpu.Vendor == "AuthenticAMD" && cpu.Family == 0x17);
        bool expected = cpu.Flags.Shstk && xsaves && cpu.SupportedXss.Contains(XFeature.CetKernel);
        Assert.Equal(expected, boot.Guest.Features.Contains(XFeature.CetKernel));
        // H12 / R10: whatever the kernel writes to XSS, the CPU enumerates it.
        Assert.True(boot.Xss.IsSubsetOf(cpu.SupportedXss));
        Assert.True(boot.Xcr0.IsSubsetOf(cpu.SupportedXcr0));
    }

    // ---- I7 / I8 ----

    [Theory]
    [MemberData(nameof(AllIds))]
    public void I7_I8_HostAndGuestFpstates_AreConsistent(string id)
    {
        var boot = LinuxHosts.Boot(id);
        var process = LinuxProcess.Start(boot);
        var host = process.Leader.Fpu.Fpstate;

        // I7 host: xfd = init_fpstate.xfd & ~user_xfeatures.
        LinuxAssert.FpstateConsistent(boot, host, boot.InitFpstateXfd.Except(host.UserXfeatures));
        Assert.False(host.IsGuest);

        var guest = FpstateOps.AllocGuest(boot, process)!;
        // I7 guest: xfd = 0 at allocation.
        LinuxAssert.FpstateConsistent(boot, guest.Fpstate, FeatureMask.None);
        Assert.True(guest.Fpstate.IsGuest);

        if (!boot.XsaveEnabled) return;
        // I8 host: bit 12 in none of xfeatures, XCOMP_BV, XSTATE_BV.
        Assert.False(host.Xfeatures.Contains(XFeature.CetKernel));
        Assert.False(new FeatureMask(host.XcompBv).Contains(XFeature.CetKernel));
        Assert.False(new FeatureMask(host.XstateBv).Contains(XFeature.CetKernel));
        // I8 guest: with CET_KERNEL supported and the compacted format, bit 12 in xfeatures and XCOMP_BV.
        if (boot.Kernel.MaxFeatures.Contains(XFeature.CetKernel) && boot.Compacted)
        {
            Assert.True(guest.Fpstate.Xfeatures.Contains(XFeature.CetKernel));
            Assert.True(new FeatureMask(guest.Fpstate.XcompBv).Contains(XFeature.CetKernel));
        }

        // After a dynamic enable (where there is one), the new fpstate is consistent too (realloc clears the bit).
        var fresh = LinuxProcess.Start(boot);
        if (fresh.ArchPrctl(ReqXcompPerm, XcompTileData) == KResult.Ok)
        {
            Assert.Equal(XfdNmKind.Retry, fresh.XfdNm(LinuxProcess.LeaderId, XfeatureMasks.UserDynamic).Kind);
            var grown = fresh.Leader.Fpu.Fpstate;
            LinuxAssert.FpstateConsistent(boot, grown, boot.InitFpstateXfd.Except(grown.UserXfeatures));
            Assert.False(grown.Xfeatures.Contains(XFeature.CetKernel));
        }
    }

    // ---- I10 ----

    private static void AssertPermConsistent(BootResult boot, FpuStatePerm perm, bool cleanDump)
    {
        if (!cleanDump) return; // the R14/R15 formulas describe consistent dumps only (R7); only-grows is still checked
        var features = perm.StatePerm.Without(XFeatures.CompactedFormatBit);
        // I10: the sizes are those of the permitted set, by R14/R15 on the raw CPUID registers (not the oracle's own formula).
        Assert.Equal((uint)(boot.Compacted ? DumpFormulas.CompactedSize(boot.Cpu, features) : DumpFormulas.StandardSize(boot.Cpu, features)), perm.StateSize);
        Assert.Equal((uint)DumpFormulas.StandardSize(boot.Cpu, features & boot.UserSupported), perm.UserStateSize);
    }

    [SkippableTheory]
    [MemberData(nameof(AllIds))]
    public void I10_Permissions_OnlyGrowAndKeepTheirSizes(string id)
    {
        var boot = LinuxHosts.Boot(id);
        Skip.IfNot(boot.XsaveEnabled, $"{id}: the kernel does not use XSAVE on this CPU ({boot.DisabledReason}): no permissions to grow");
        bool clean = Corpus.Profile(id).Clean;
        var process = LinuxProcess.Start(boot);
        var steps = new Action[]
        {
            () => process.ArchPrctl(ReqXcompGuestPerm, XcompTileData),
            () => FpstateOps.AllocGuest(boot, process),
            () => process.ArchPrctl(ReqXcompPerm, XcompTileData),
            () => process.ArchPrctl(ReqXcompGuestPerm, XcompTileData),
            () => process.ArchPrctl(ReqXcompPerm, 2),
        };
        AssertPermConsistent(boot, process.Perm, clean);
        AssertPermConsistent(boot, process.GuestPerm, clean);
        foreach (var step in steps)
        {
            var (perm, guestPerm) = (process.Perm, process.GuestPerm);
            step();
            Assert.True(perm.StatePerm.IsSubsetOf(process.Perm.StatePerm));
            Assert.True(guestPerm.StatePerm.IsSubsetOf(process.GuestPerm.StatePerm));
            AssertPermConsistent(boot, process.Perm, clean);
            AssertPermConsistent(boot, process.GuestPerm, clean);
            foreach (var option in new[] { GetXcompPerm, GetXcompGuestPerm, GetXcompSupp })
            {
                Assert.Equal(KResult.Ok, process.ArchPrctl(option, 0x1000, out var value));
                var reported = new FeatureMask(value!.Value);
                Assert.False(reported.Overlaps(XfeatureMasks.SupervisorAll));
                Assert.False(reported.Contains(XFeatures.CompactedFormatBit));
            }
        }
    }

    // ---- I11 ----

    [Theory]
    [MemberData(nameof(AllIds))]
    public void I11_PermissionErrors_FollowTheTable(string id)
    {
        var boot = LinuxHosts.Boot(id);
        var process = LinuxProcess.Start(boot);
        bool amx = boot.User.MaxFeatures.Contains(XFeature.XtileData);

        for (ulong idx = 0; idx < 20; idx++)
        {
            if (idx == XcompTileData) continue;
            Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(ReqXcompPerm, idx).Error);
            Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(ReqXcompGuestPerm, idx).Error);
        }
        foreach (var idx in new ulong[] { 20, 21, 63, 64, 0xFFFFFFFF, ulong.MaxValue })
        {
            Assert.Equal(Errno.EINVAL, process.ArchPrctl(ReqXcompPerm, idx).Error);
            Assert.Equal(Errno.EINVAL, process.ArchPrctl(ReqXcompGuestPerm, idx).Error);
        }
        foreach (var option in new[] { 0x1020, 0x1026, 0, -1 })
            Assert.Equal(Errno.EINVAL, process.ArchPrctl(option, 0x1000).Error);

        if (!amx)
        {
            Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(ReqXcompPerm, XcompTileData).Error);
            Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(ReqXcompGuestPerm, XcompTileData).Error);
            return;
        }

        // Host request with a too-small sigaltstack -> -ENOSPC, perm unchanged.
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, SignalFrames.MinSigStkSz));
        var before = process.Perm;
        Assert.Equal(Errno.ENOSPC, process.ArchPrctl(ReqXcompPerm, XcompTileData).Error);
        Assert.Equal(before, process.Perm);

        // Guest request after the first vCPU -> -EBUSY; once permitted, 0 even when locked.
        var locked = LinuxProcess.Start(boot);
        FpstateOps.AllocGuest(boot, locked);
        Assert.Equal(Errno.EBUSY, locked.ArchPrctl(ReqXcompGuestPerm, XcompTileData).Error);
        var early = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, early.ArchPrctl(ReqXcompGuestPerm, XcompTileData));
        FpstateOps.AllocGuest(boot, early);
        Assert.Equal(KResult.Ok, early.ArchPrctl(ReqXcompGuestPerm, XcompTileData));
    }

    // ---- I12 ----

    [Theory]
    [MemberData(nameof(AllIds))]
    public void I12_DynamicEnable_PermittedOrNot(string id)
    {
        var boot = LinuxHosts.Boot(id);
        var process = LinuxProcess.Start(boot);
        var fpstate = process.Leader.Fpu.Fpstate;
        var perm = process.Perm;

        // Not permitted: -EPERM and nothing changes.
        Assert.Equal(Errno.EPERM, FpstateOps.XfdEnableFeature(boot, process, XfeatureMasks.UserDynamic, null).Error);
        Assert.Same(fpstate, process.Leader.Fpu.Fpstate);
        Assert.Equal(perm, process.Perm);

        if (process.ArchPrctl(ReqXcompPerm, XcompTileData) != KResult.Ok) return;

        // Permitted: a new fpstate per R57, the old one replaced.
        Assert.Equal(KResult.Ok, FpstateOps.XfdEnableFeature(boot, process, XfeatureMasks.UserDynamic, null));
        var grown = process.Leader.Fpu.Fpstate;
        Assert.NotSame(fpstate, grown);
        Assert.Equal(process.Perm.StateSize, grown.Size);
        Assert.Equal(process.Perm.UserStateSize, grown.UserSize);
        Assert.Equal(fpstate.Xfeatures | XfeatureMasks.UserDynamic, grown.Xfeatures);
        Assert.False(grown.Xfd.Overlaps(XfeatureMasks.UserDynamic));

        // Guest: a repeated enable is a no-op returning 0.
        var vm = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, vm.ArchPrctl(ReqXcompGuestPerm, XcompTileData));
        var gfpu = FpstateOps.AllocGuest(boot, vm)!;
        Assert.Equal(KResult.Ok, FpstateOps.EnableGuestXfdFeatures(boot, vm, gfpu, XfeatureMasks.UserDynamic));
        var enabled = gfpu.Fpstate;
        Assert.Equal(KResult.Ok, FpstateOps.EnableGuestXfdFeatures(boot, vm, gfpu, XfeatureMasks.UserDynamic));
        Assert.Same(enabled, gfpu.Fpstate);
        Assert.Equal(gfpu.Xfeatures, gfpu.Fpstate.Xfeatures);
    }
}
