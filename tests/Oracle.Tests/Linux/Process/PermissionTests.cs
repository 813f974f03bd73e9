using static Xsave.Oracle.Linux.Process.ArchPrctlOptions;

namespace Xsave.Oracle.Tests.Linux.Process;

/// <summary>
/// fpu_state_perm and arch_prctl (SPEC R62-R67). Expected values: KO §2 (the real kernel on Zen 5), SPEC R64/R65 text,
/// SPEC R16 sizes for Sapphire Rapids.
/// </summary>
public class PermissionTests
{
    // ---- KO §2: the measured sweeps ----

    [Theory]
    [InlineData(GetXcompSupp)]
    [InlineData(GetXcompPerm)]
    [InlineData(GetXcompGuestPerm)]
    public void R64_Zen5_GetOptions_Return0xe7_KO2(int option)
    {
        var process = LinuxProcess.Start(Zen5Boot());
        Assert.Equal(KResult.Ok, process.ArchPrctl(option, 0x7FFF0000, out var value));
        Assert.Equal(0xE7UL, value);
    }

    [Theory]
    [InlineData(GetXcompSupp, 0UL, true)]
    [InlineData(GetXcompPerm, 0UL, true)]
    [InlineData(GetXcompGuestPerm, 0UL, true)]
    [InlineData(GetXcompSupp, 1UL, false)]
    [InlineData(GetXcompPerm, 1UL, false)]
    [InlineData(GetXcompGuestPerm, 1UL, false)]
    public void R64_GetWithBadPointer_EFAULT_KO2(int option, ulong arg, bool valid)
    {
        var process = LinuxProcess.Start(Zen5Boot());
        Assert.Equal(Errno.EFAULT, process.ArchPrctl(option, arg, out var value, valid).Error);
        Assert.Null(value);
    }

    [Theory]
    [InlineData(0x1020)]
    [InlineData(0x1026)]
    public void R64_UnknownOption_EINVAL_KO2(int option) =>
        Assert.Equal(Errno.EINVAL, LinuxProcess.Start(Zen5Boot()).ArchPrctl(option, 0x1000).Error);

    [Fact]
    public void R65_Zen5_RequestSweeps_KO2()
    {
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        void Sweep()
        {
            foreach (var option in new[] { ReqXcompPerm, ReqXcompGuestPerm })
            {
                // KO §2: idx 0..19 (already permitted 0,1,2,5,6,7; supervisor 11,12; AMX 17,18; APX 19) -> EOPNOTSUPP.
                for (ulong idx = 0; idx <= 19; idx++)
                    Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(option, idx).Error);
                // KO §2: idx 20..65, 0xffffffff, ~0, 1<<40 -> EINVAL.
                for (ulong idx = 20; idx <= 65; idx++)
                    Assert.Equal(Errno.EINVAL, process.ArchPrctl(option, idx).Error);
                foreach (var idx in new[] { 0xFFFFFFFFUL, ulong.MaxValue, 1UL << 40 })
                    Assert.Equal(Errno.EINVAL, process.ArchPrctl(option, idx).Error);
            }
        }
        Sweep();
        // KO §2: identical after KVM_CREATE_VCPU (the guest fpstate allocation locks guest perms); GET unchanged.
        FpstateOps.AllocGuest(boot, process);
        Sweep();
        Assert.Equal(KResult.Ok, process.ArchPrctl(GetXcompGuestPerm, 0x1000, out var guestPerm));
        Assert.Equal(0xE7UL, guestPerm);
    }

    // ---- R62 / R63 ----

    [Fact]
    public void R62_LockedIsBit63()
    {
        Assert.True(new FpuStatePerm(new FeatureMask(1UL << 63), 0, 0).Locked);
        Assert.False(new FpuStatePerm(Mask(0x18E7), 0, 0).Locked);
    }

    [Fact]
    public void R63_InitialPermissions_Zen5()
    {
        var process = LinuxProcess.Start(Zen5Boot());
        // perm = {kernel.default 0x8e7, 2448, user.default_size 2432}; guest_perm = {0x18e7, 2472, 2432}.
        Assert.Equal(new FpuStatePerm(Mask(0x8E7), 2448, 2432), process.Perm);
        Assert.Equal(new FpuStatePerm(Mask(0x18E7), 2472, 2432), process.GuestPerm);
    }

    [Fact]
    public void R63_FirstGuestFpstate_LocksGuestPerm()
    {
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        FpstateOps.AllocGuest(boot, process);
        Assert.Equal(Mask(0x18E7) | XfeatureMasks.GuestPermLocked, process.GuestPerm.StatePerm);
        Assert.False(process.Perm.Locked);
    }

    [Fact]
    public void R63_32BitKernel_NoLock()
    {
        var boot = FpuBoot.Run(Zen5Ko(), KernelConfig.Default with { Is64Bit = false });
        var process = LinuxProcess.Start(boot);
        FpstateOps.AllocGuest(boot, process);
        Assert.False(process.GuestPerm.Locked);
    }

    // ---- R64: 32-bit ----

    [Fact]
    public void R64_32BitKernel_RequestsEOPNOTSUPP()
    {
        var boot = FpuBoot.Run(Spr(), KernelConfig.Default with { Is64Bit = false });
        var process = LinuxProcess.Start(boot);
        Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(ReqXcompPerm, XcompTileData).Error);
        Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(ReqXcompGuestPerm, 25).Error);
        // No AMX on 32-bit kernels (XFEATURE_MASK_XTILE = 0): SUPP = 0x2e7.
        Assert.Equal(KResult.Ok, process.ArchPrctl(GetXcompSupp, 0x1000, out var supp));
        Assert.Equal(0x2E7UL, supp);
    }

    // ---- R65 / R67 on Sapphire Rapids ----

    [Fact]
    public void R65_R67_SapphireRapids_HostRequestGranted()
    {
        var process = LinuxProcess.Start(SprBoot());
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        // R67: perm = 0x20EE7 | 0x40000; ksize = calc compacted = 10752 (R16 + TILEDATA); usize = 11008 (R16).
        Assert.Equal(new FpuStatePerm(Mask(0x60EE7), 10752, 11008), process.Perm);
        Assert.Equal(KResult.Ok, process.ArchPrctl(GetXcompPerm, 0x1000, out var perm));
        Assert.Equal(0x602E7UL, perm);
    }

    [Fact]
    public void R65_TileCfgAlone_EOPNOTSUPP()
    {
        // Step 2: a facility is named by its highest component; 17 is not requestable, even though AMX exists.
        var process = LinuxProcess.Start(SprBoot());
        Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(ReqXcompPerm, XcompTileCfg).Error);
        // Already-permitted YMM: still EOPNOTSUPP (step 2 comes before the permitted check).
        Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(ReqXcompPerm, 2).Error);
    }

    [Fact]
    public void R65_RepeatedRequest_ReturnsZero()
    {
        var process = LinuxProcess.Start(SprBoot());
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        var perm = process.Perm;
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        Assert.Equal(perm, process.Perm);
    }

    [Fact]
    public void R65_LockedGuestPerm_EBUSY_UnlessAlreadyPermitted()
    {
        var boot = SprBoot();
        var late = LinuxProcess.Start(boot);
        FpstateOps.AllocGuest(boot, late);
        var before = late.GuestPerm;
        Assert.Equal(Errno.EBUSY, late.ArchPrctl(ReqXcompGuestPerm, XcompTileData).Error);
        Assert.Equal(before, late.GuestPerm);
        // The host permission is not affected by the guest lock.
        Assert.Equal(KResult.Ok, late.ArchPrctl(ReqXcompPerm, XcompTileData));

        var early = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, early.ArchPrctl(ReqXcompGuestPerm, XcompTileData));
        FpstateOps.AllocGuest(boot, early);
        Assert.Equal(KResult.Ok, early.ArchPrctl(ReqXcompGuestPerm, XcompTileData));
    }

    [Fact]
    public void R65_NoXfd_TileDataEOPNOTSUPP()
    {
        var cpu = Spr().WithSubLeaves("spr-no-xfd", (1, new CpuidRegs(0xF, 0x2A80, 0xDD00, 0)));
        var process = LinuxProcess.Start(Boot(cpu));
        Assert.Equal(Errno.EOPNOTSUPP, process.ArchPrctl(ReqXcompPerm, XcompTileData).Error);
    }

    [Fact]
    public void R65_SigaltstackTooSmall_ENOSPC_GuestUnaffected()
    {
        var boot = SprBoot();
        var process = LinuxProcess.Start(boot);
        var thread = process.SpawnThread();
        // A 4096-byte stack is enough for the default frame but not for the AMX frame (R65 step 6).
        Assert.Equal(KResult.Ok, process.Sigaltstack(thread.Id, 4096));
        var perm = process.Perm;
        Assert.Equal(Errno.ENOSPC, process.ArchPrctl(ReqXcompPerm, XcompTileData).Error);
        Assert.Equal(perm, process.Perm);
        // validate_sigaltstack is host-only.
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompGuestPerm, XcompTileData));
        // Large enough: sigframe_size - user.max_size + usize, with usize = user.max_size here.
        Assert.Equal(KResult.Ok, process.Sigaltstack(thread.Id, SignalFrames.MaxFrameSize(boot)));
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
    }

    // ---- H1 ----

    [Fact]
    public void R67_H1_GuestRequestKeepsSupervisorBits()
    {
        // H1: __xstate_request_perm stored mask & USER_SUPPORTED, dropping PASID/CET from the guest permission and
        // shrinking a later ksize. Oracle line: LinuxProcess.GrantPermission's
        // "var mask = permitted.StatePerm | requested;" (not masked to USER_SUPPORTED).
        var process = LinuxProcess.Start(SprBoot());
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompGuestPerm, XcompTileData));
        // guest default 0x21EE7 | TILEDATA; ksize calc(0x61EE7, compacted) = 10752; usize 11008.
        Assert.Equal(new FpuStatePerm(Mask(0x61EE7), 10752, 11008), process.GuestPerm);
        Assert.True(process.GuestPerm.StatePerm.Contains(XFeature.CetKernel));
        Assert.True(process.GuestPerm.StatePerm.Contains(XFeature.Pasid));
    }

    [Fact]
    public void R67_H1_H2_KernelSizeCountsSupervisorStates()
    {
        // H1/H2: ksize must be computed over the supervisor bits too. On SPR TILECFG/TILEDATA's 64-byte alignment
        // hides the difference, so use SPR with both alignment flags clear: the host perm 0x60EE7 then compacts to
        // 2440 + PASID 8 + CET_U 16 + TILECFG 64 = 2528, + TILEDATA 8192 = 10720 (without the supervisor bits 10696).
        var cpu = Spr().WithSubLeaves("spr-unaligned", (17, new CpuidRegs(0x40, 0xAC0, 0, 0)), (18, new CpuidRegs(0x2000, 0xB00, 4, 0)));
        var process = LinuxProcess.Start(Boot(cpu));
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        Assert.Equal(10720u, process.Perm.StateSize);
        Assert.Equal(11008u, process.Perm.UserStateSize);
    }
}
