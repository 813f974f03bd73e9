using static Xsave.Oracle.Linux.Process.ArchPrctlOptions;

namespace Xsave.Oracle.Tests.Linux.Fpu;

/// <summary>
/// fpstate objects (SPEC R46, R48-R58, R60). Expected values: KO §0/§1a/§3c (Zen 5), SPEC R16 (Sapphire Rapids), the
/// rules' text, and R15 arithmetic on stated CPUID values.
/// </summary>
public class FpStateTests
{
    private static ushort U16(byte[] b, int o) => BitConverter.ToUInt16(b, o);
    private static uint U32(byte[] b, int o) => BitConverter.ToUInt32(b, o);

    // ---- R46 ----

    [Fact]
    public void R46_NothingBeyondFpSse_Is576()
    {
        var boot = Zen5Boot();
        Assert.Equal(576u, XstateSizes.Calculate(boot, XfeatureMasks.FpSse, compacted: true));
        Assert.Equal(576u, XstateSizes.Calculate(boot, FeatureMask.None, compacted: false));
    }

    [Fact]
    public void R46_SapphireRapids_StandardAndCompactedSizes()
    {
        var boot = SprBoot();
        // SPEC R16: standard 0x602E7 = 11008; compacted 0x2E7|CET_U|CET_S = 2480 (the opendcdiag 0x9B0 figure).
        Assert.Equal(11008u, XstateSizes.Calculate(boot, Mask(0x602E7), compacted: false));
        Assert.Equal(2480u, XstateSizes.Calculate(boot, Mask(0x2E7 | 0x1800), compacted: true));
        // SPEC R16: host default (0x202E7 + CET_U) -> 2560.
        Assert.Equal(2560u, XstateSizes.Calculate(boot, Mask(0x202E7 | 0x800), compacted: true));
    }

    [Fact]
    public void R46_Standard_IgnoresSupervisorBits()
    {
        // Supervisor components have no standard offset: the standard size of 0xe7|CET is that of 0xe7 (2432).
        var boot = Zen5Boot();
        Assert.Equal(2432u, XstateSizes.Calculate(boot, Mask(0x18E7), compacted: false));
    }

    [SkippableTheory]
    [MemberData(nameof(InvariantTests.AllIds), MemberType = typeof(InvariantTests))]
    public void R46_R47_LinuxCalculationEqualsTheR14R15Formulas(string id)
    {
        // R47's property (Linux calc == R14/R15), on the sets the kernel sizes buffers for, with the expected sizes
        // worked out here from the raw CPUID registers (DumpFormulas), not by the oracle's layouts. KVM's own
        // calculation is compared in the KVM tests.
        var boot = Boot(id);
        Skip.IfNot(boot.XsaveEnabled, $"{id}: the kernel does not use XSAVE on this CPU ({boot.DisabledReason}): no xstate sizes");
        Skip.IfNot(Corpus.Profile(id).Clean, $"{id}: the dump is not consistent (R7), so the R14/R15 formulas do not describe it");
        foreach (var m in new[] { boot.Kernel.MaxFeatures, boot.Kernel.DefaultFeatures, boot.Guest.Features })
        {
            if (boot.Compacted)
                Assert.Equal((uint)DumpFormulas.CompactedSize(boot.Cpu, m), XstateSizes.Calculate(boot, m, compacted: true));
            Assert.Equal((uint)DumpFormulas.StandardSize(boot.Cpu, m & XfeatureMasks.UserSupported),
                XstateSizes.Calculate(boot, m & XfeatureMasks.UserSupported, compacted: false));
        }
    }

    // ---- R48 / H2 ----

    [Fact]
    public void R48_GuestFpstate_CetOffsetsAsDmesg()
    {
        var boot = Zen5Boot();
        var guest = FpstateOps.AllocGuest(boot, LinuxProcess.Start(boot))!;
        // KO §0: xstate_offset[11] = 2432, [12] = 2448 in a buffer with XCOMP_BV = kernel.max.
        Assert.Equal(2432, XsaveAddress.Raw(boot, guest.Fpstate, 11));
        Assert.Equal(2448, XsaveAddress.Raw(boot, guest.Fpstate, 12));
        // get_xsave_addr: NULL while XSTATE_BV[i] = 0 (freshly allocated: everything init).
        Assert.Null(XsaveAddress.Get(boot, guest.Fpstate, 11));
        guest.Fpstate.XstateBv = 0x800;
        Assert.Equal(2432, XsaveAddress.Get(boot, guest.Fpstate, 11));
    }

    [Fact]
    public void R48_HostFpstate_NoCetKernelLocation()
    {
        var boot = Zen5Boot();
        var host = LinuxProcess.Start(boot).Leader.Fpu.Fpstate;
        // XCOMP_BV lacks bit 12: __raw_xsave_addr WARNs and returns NULL. PKRU is not enabled at all here.
        Assert.Null(XsaveAddress.Raw(boot, host, 12));
        Assert.Null(XsaveAddress.Raw(boot, host, 9));
        Assert.Equal(0, XsaveAddress.Raw(boot, host, 0));
        Assert.Equal(160, XsaveAddress.Raw(boot, host, 1));
    }

    /// <summary>SPR plus an APX component (128 bytes at 960, the free MPX region): APX (19) comes after TILEDATA.</summary>
    private static CpuModel SprWithApx()
    {
        var cpu = Spr().WithSubLeaves("spr-apx", (0, new CpuidRegs(0xE02E7, 0x2B00, 0x2B00, 0)), (19, new CpuidRegs(0x80, 0x3C0, 0, 0)));
        return cpu with { Flags = cpu.Flags with { Apx = true } };
    }

    [Fact]
    public void R48_H2_CompactedOffsetsFollowTheBuffersXcompBv()
    {
        // H2: offsets computed as if every max feature were present. Host default 0xA0EE7 (PASID, CET_U, no 18):
        // R15 puts APX at 2560 (TILECFG 2496..2560); after the TILEDATA realloc XCOMP_BV has 18 and APX moves to
        // 2560 + 8192 = 10752. An oracle using kernel.max for every buffer (XsaveAddress.Raw's
        // "CompactedLayout.For(boot.Cpu, new FeatureMask(fps.XcompBv))" with kernel.max instead) gives 10752 twice.
        var boot = Boot(SprWithApx());
        var process = LinuxProcess.Start(boot);
        Assert.Equal(2560, XsaveAddress.Raw(boot, process.Leader.Fpu.Fpstate, 19));
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        Assert.Equal(XfdNmKind.Retry, process.XfdNm(LinuxProcess.LeaderId, XfeatureMasks.UserDynamic).Kind);
        Assert.Equal(10752, XsaveAddress.Raw(boot, process.Leader.Fpu.Fpstate, 19));
    }

    // ---- R49 / R50 / R51 / R52 / R53 ----

    [Fact]
    public void R50_FpuAndGuestContainers()
    {
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        var fpu = process.Leader.Fpu;
        // struct fpu: the active fpstate is the task's own; no stashed task fpstate outside KVM_RUN.
        Assert.Null(fpu.TaskFpstate);
        Assert.Same(fpu.Fpstate, fpu.OwnFpstate);
        // struct fpu_guest: xfeatures, xfd_err 0, uabi_size, its own fpstate (not the task's).
        var gfpu = FpstateOps.AllocGuest(boot, process)!;
        Assert.Equal(0UL, gfpu.XfdErr);
        Assert.NotSame(fpu.Fpstate, gfpu.Fpstate);
        Assert.False(gfpu.Freed);
    }

    [Fact]
    public void R49_R51_HostTaskFpstate_KernelDefaults()
    {
        var boot = SprBoot();
        var fps = LinuxProcess.Start(boot).Leader.Fpu.Fpstate;
        Assert.Equal(2560u, fps.Size);
        Assert.Equal(2560, fps.Regs.Length);
        Assert.Equal(Mask(0x20EE7), fps.Xfeatures);
        Assert.Equal(2816u, fps.UserSize);
        Assert.Equal(Mask(0x202E7), fps.UserXfeatures);
        // R51 host: xfd = init_fpstate.xfd (TILEDATA armed).
        Assert.Equal(XfeatureMasks.UserDynamic, fps.Xfd);
        Assert.False(fps.IsGuest);
    }

    [Fact]
    public void R51_H14_GuestFpstate_XfdStartsAtZero()
    {
        // H14: guest fpstates start with the architectural XFD reset value, not the host's armed XFD (SPR: 0x40000).
        // Oracle line: FpstateOps.Reset's guest branch "fps.Xfd = FeatureMask.None".
        var boot = SprBoot();
        var fps = new Fpstate();
        FpstateOps.Reset(boot, fps, guest: true);
        Assert.Equal(FeatureMask.None, fps.Xfd);
        Assert.Equal(new VcpuFpuConfig(2560, Mask(0x21EE7)), new VcpuFpuConfig(fps.Size, fps.Xfeatures));
        // R51 both: user features/sizes are the host's.
        Assert.Equal(boot.User.DefaultFeatures, fps.UserXfeatures);
        Assert.Equal(boot.User.DefaultSize, fps.UserSize);
    }

    [Fact]
    public void R52_Compacted_XcompBvIsMaskWithBit63()
    {
        var boot = Zen5Boot();
        var fps = new Fpstate();
        FpstateOps.Reset(boot, fps, guest: false);
        Assert.Equal(0x80000000000008E7UL, fps.XcompBv);
    }

    [Fact]
    public void R52_Standard_HeaderUntouched()
    {
        var boot = Boot("intel-haswellep-306f2");
        var fps = new Fpstate();
        FpstateOps.Reset(boot, fps, guest: false);
        Assert.Equal(0UL, fps.XcompBv);
        Assert.Equal(0UL, fps.XstateBv);
    }

    [Fact]
    public void R53_HeaderInvariants_HostVersusGuest()
    {
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        var host = process.Leader.Fpu.Fpstate;
        var guest = FpstateOps.AllocGuest(boot, process)!.Fpstate;
        // Host: XCOMP_BV = kernel.default | bit 63, bit 12 clear; guest: bit 12 set (CET_KERNEL supported).
        Assert.Equal(0x80000000000008E7UL, host.XcompBv);
        Assert.Equal(0x80000000000018E7UL, guest.XcompBv);
        Assert.Equal(0UL, host.XstateBv);
        Assert.Equal(0UL, guest.XstateBv);
    }

    // ---- R54 / H15 ----

    [Fact]
    public void R54_H15_InitFpstate_RealLegacyValues()
    {
        // H15: the init image must carry FCW 0x37F and MXCSR 0x1F80 (an XSAVEOPT/XSAVES-only image lacks them).
        // KO §3c: a fresh vCPU's KVM_GET_XSAVE, filled from init_fpstate, shows MXCSR_MASK 0x2ffff on Zen 5 — the
        // FXSAVE of R54. Oracle line: InitFpstate.WriteFxsaveInit.
        var boot = Zen5Boot();
        var init = boot.InitFpstate;
        Assert.Equal(0x037F, U16(init.Regs, LegacyRegion.Fcw));
        Assert.Equal(0x1F80u, U32(init.Regs, LegacyRegion.Mxcsr));
        Assert.Equal(0x2FFFFu, U32(init.Regs, LegacyRegion.MxcsrMask));
        Assert.Equal(0UL, init.XstateBv);
        Assert.Equal(0x80000000000008E7UL, init.XcompBv);
        Assert.Equal(boot.Kernel.DefaultSize, init.Size);
        Assert.Equal(boot.Kernel.DefaultFeatures, init.Xfeatures);
    }

    [Fact]
    public void R54_NewTask_CopiesTheInitImage()
    {
        var boot = Zen5Boot();
        var fps = LinuxProcess.Start(boot).Leader.Fpu.Fpstate;
        // init_fpstate_copy_size() = 576 with XSAVE: legacy region and header.
        Assert.Equal(576u, FpstateOps.InitFpstateCopySize(boot));
        Assert.Equal(0x037F, U16(fps.Regs, LegacyRegion.Fcw));
        Assert.Equal(0x1F80u, U32(fps.Regs, LegacyRegion.Mxcsr));
        Assert.Equal(0x2FFFFu, U32(fps.Regs, LegacyRegion.MxcsrMask));
    }

    // ---- R55 / H3 / H4 / H5 ----

    [Fact]
    public void R55_H3_H4_AllocGuest_Zen5()
    {
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        var gfpu = FpstateOps.AllocGuest(boot, process)!;
        // H3: sized with guest_default_cfg.size (2472), not user.default_size (2432) — FpstateOps.AllocGuest's
        // "Reset(boot, fps, guest: true)" picks boot.Guest.Size.
        Assert.Equal(2472u, gfpu.Fpstate.Size);
        Assert.True(gfpu.Fpstate.Size >= XstateSizes.Calculate(boot, gfpu.Fpstate.Xfeatures, compacted: true));
        // H4: the container caches guest_default_cfg.features (0x18e7), identical to the fpstate's.
        Assert.Equal(Mask(0x18E7), gfpu.Xfeatures);
        Assert.Equal(gfpu.Fpstate.Xfeatures, gfpu.Xfeatures);
        // H5: uABI size is sizeof(struct kvm_xsave).
        Assert.Equal(4096u, gfpu.UabiSize);
        Assert.True(gfpu.Fpstate.IsValloc && gfpu.Fpstate.IsGuest && !gfpu.Fpstate.InUse);
        // fpstate_init_user: FCW/MXCSR defaults in memory, XSTATE_BV 0.
        Assert.Equal(0x037F, U16(gfpu.Fpstate.Regs, LegacyRegion.Fcw));
        Assert.Equal(0x1F80u, U32(gfpu.Fpstate.Regs, LegacyRegion.Mxcsr));
        // R63: guest permissions are locked now.
        Assert.True(process.GuestPerm.Locked);
    }

    [Fact]
    public void R55_H5_LegacyHost_UabiSizeStays4096()
    {
        // H5 (CVE-2022-49557): on a non-XSAVE host user.default_size is 512; uabi_size must still be 4096.
        var cpu = Zen5Ko() with { Flags = Zen5Ko().Flags with { Xsave = false } };
        var boot = Boot(cpu);
        var gfpu = FpstateOps.AllocGuest(boot, LinuxProcess.Start(boot))!;
        Assert.Equal(4096u, gfpu.UabiSize);
        Assert.Equal(512u, gfpu.Fpstate.Size);
    }

    [Fact]
    public void R55_AllocationFailure_ReturnsNullAndLocksNothing()
    {
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        process.FailAllocations = true;
        Assert.Null(FpstateOps.AllocGuest(boot, process));
        Assert.False(process.GuestPerm.Locked);
    }

    // ---- R56 ----

    [Fact]
    public void R56_FreeGuest_Cases()
    {
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        Assert.Equal(GuestFreeResult.NoOp, FpstateOps.FreeGuest(null));

        var inUse = FpstateOps.AllocGuest(boot, process)!;
        inUse.Fpstate.InUse = true;
        Assert.Equal(GuestFreeResult.RefusedWarn, FpstateOps.FreeGuest(inUse));
        Assert.False(inUse.Freed);

        var notGuest = FpstateOps.AllocGuest(boot, process)!;
        notGuest.Fpstate.IsGuest = false;
        Assert.Equal(GuestFreeResult.RefusedWarn, FpstateOps.FreeGuest(notGuest));

        var ok = FpstateOps.AllocGuest(boot, process)!;
        Assert.Equal(GuestFreeResult.Freed, FpstateOps.FreeGuest(ok));
        Assert.True(ok.Freed);
        Assert.Equal(GuestFreeResult.NoOp, FpstateOps.FreeGuest(ok));
    }

    // ---- R57 ----

    [Fact]
    public void R57_GuestRealloc_InactiveStateIsLost()
    {
        var boot = SprBoot();
        var process = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompGuestPerm, XcompTileData));
        var gfpu = FpstateOps.AllocGuest(boot, process)!;
        var old = gfpu.Fpstate;
        old.Regs[LegacyRegion.XmmRegisters] = 0xAB;   // some guest state, saved while the vCPU is not running
        old.XstateBv = 0x3;

        Assert.Equal(KResult.Ok, FpstateOps.EnableGuestXfdFeatures(boot, process, gfpu, XfeatureMasks.UserDynamic));
        var fps = gfpu.Fpstate;
        Assert.NotSame(old, fps);
        // ksize/usize = guest_perm sizes: calc(0x61EE7, compacted) = 10752, calc(0x602E7, standard) = 11008.
        Assert.Equal(10752u, fps.Size);
        Assert.Equal(11008u, fps.UserSize);
        Assert.Equal(11008u, gfpu.UabiSize);
        Assert.Equal(Mask(0x61EE7), fps.Xfeatures);
        Assert.Equal(gfpu.Xfeatures, fps.Xfeatures);
        Assert.Equal(Mask(0x602E7), fps.UserXfeatures);
        Assert.True(fps.IsGuest && fps.IsValloc);
        // Contents are not copied: zero except the header (XCOMP_BV = new xfeatures | bit 63).
        Assert.Equal(0, fps.Regs[LegacyRegion.XmmRegisters]);
        Assert.Equal(0UL, fps.XstateBv);
        Assert.Equal(0x8000000000061EE7UL, fps.XcompBv);
    }

    [Fact]
    public void R57_HostRealloc_XfdBitCleared_ActiveStateKept()
    {
        var boot = SprBoot();
        var process = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        var old = process.Leader.Fpu.Fpstate;
        old.Regs[LegacyRegion.XmmRegisters] = 0xCD;
        old.XstateBv = 0x2;

        Assert.Equal(KResult.Ok, FpstateOps.XfdEnableFeature(boot, process, XfeatureMasks.UserDynamic, null));
        var fps = process.Leader.Fpu.Fpstate;
        Assert.Equal(FeatureMask.None, fps.Xfd);
        Assert.Equal(Mask(0x60EE7), fps.Xfeatures);
        Assert.Equal(10752u, fps.Size);
        Assert.False(fps.IsGuest);
        // The running thread's registers are saved into the new buffer at the next save.
        Assert.Equal(0xCD, fps.Regs[LegacyRegion.XmmRegisters]);
        Assert.Equal(0x2UL, fps.XstateBv);
    }

    [Fact]
    public void R57_AllocationFailure_ENOMEM_NothingChanged()
    {
        var boot = SprBoot();
        var process = LinuxProcess.Start(boot);
        var old = process.Leader.Fpu.Fpstate;
        process.FailAllocations = true;
        var r = FpstateOps.Realloc(boot, process, LinuxProcess.LeaderId, XfeatureMasks.UserDynamic, 10752, 11008, null);
        Assert.Equal(Errno.ENOMEM, r.Error);
        Assert.Same(old, process.Leader.Fpu.Fpstate);
    }

    // ---- R58 ----

    [Fact]
    public void R58_Zen5_GuestTileData_EPERM_KO3d()
    {
        // KO §3d: KVM_SET_CPUID2 with 0xD.0 EAX bit 18 -> -EPERM (fpu_enable_guest_xfd_features, no guest perm).
        var boot = Zen5Boot();
        var process = LinuxProcess.Start(boot);
        var gfpu = FpstateOps.AllocGuest(boot, process)!;
        Assert.Equal(Errno.EPERM, FpstateOps.EnableGuestXfdFeatures(boot, process, gfpu, Mask(0x400E7)).Error);
        // Features already enabled are dropped first: nothing left -> 0.
        Assert.Equal(KResult.Ok, FpstateOps.EnableGuestXfdFeatures(boot, process, gfpu, Mask(0xE7)));
    }

    [Fact]
    public void R58_NonDynamicXfdErr_ReturnsZero()
    {
        var boot = SprBoot();
        var process = LinuxProcess.Start(boot);
        var old = process.Leader.Fpu.Fpstate;
        Assert.Equal(KResult.Ok, FpstateOps.XfdEnableFeature(boot, process, Mask(0x20000), null));
        Assert.Same(old, process.Leader.Fpu.Fpstate);
    }

    [Fact]
    public void R58_ReallocFailure_EFAULT()
    {
        var boot = SprBoot();
        var process = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));
        process.FailAllocations = true;
        Assert.Equal(Errno.EFAULT, FpstateOps.XfdEnableFeature(boot, process, XfeatureMasks.UserDynamic, null).Error);
    }

    // ---- R60 ----

    [Fact]
    public void R60_Instructions_ByCapability()
    {
        Assert.Equal(SaveInstruction.Xsaves, FpuContext.SaveVariant(Zen5Boot()));
        Assert.Equal(RestoreInstruction.Xrstors, FpuContext.RestoreVariant(Zen5Boot()));
        // Zen 1 (R38a): XSAVEC and plain XRSTOR.
        var zen1 = Boot("amd-zen-800f12");
        Assert.Equal(SaveInstruction.Xsavec, FpuContext.SaveVariant(zen1));
        Assert.Equal(RestoreInstruction.Xrstor, FpuContext.RestoreVariant(zen1));
        var haswell = Boot("intel-haswellep-306f2");
        Assert.Equal(SaveInstruction.Xsaveopt, FpuContext.SaveVariant(haswell));
        Assert.Equal(RestoreInstruction.Xrstor, FpuContext.RestoreVariant(haswell));
    }

    [Fact]
    public void R60_Restore_XfdFirstThenKernelMaxAndFpstateMask()
    {
        var boot = SprBoot();
        var fps = LinuxProcess.Start(boot).Leader.Fpu.Fpstate;
        var steps = FpuContext.RestoreSteps(boot, fps);
        Assert.Equal(new RestoreStep.WriteXfd(XfeatureMasks.UserDynamic), steps[0]);
        // RFBM = kernel.max (0x61EE7) & FPSTATE: PKRU excluded, TILEDATA included although this task may not use it.
        Assert.Equal(new RestoreStep.Load(RestoreInstruction.Xrstors, Mask(0x61CE7)), steps[1]);
        Assert.Equal(Mask(0x20EE7), FpuContext.SaveMask(fps));
    }
}
