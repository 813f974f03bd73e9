namespace Xsave.Optimized.Tests.Linux.Fpu;

/// <summary>fpu__init_system (SPEC R30-R45, R38a) on the measured host and on corpus profiles.</summary>
public class BootTablesTests
{
    [Fact]
    public void Boot_ObservedZen5_MatchesKernelObservations()
    {
        var b = Hosts.Zen5();
        Assert.True(b.XsaveEnabled);
        Assert.True(b.Compacted);
        // KO §1b XGETBV(0) = 0xe7; §2 ARCH_GET_XCOMP_SUPP = 0xe7.
        Assert.Equal(0xe7UL, b.Xcr0);
        Assert.Equal(0xe7UL, b.User.MaxFeatures);
        // KO §1a: CPUID.0xD.0 EBX after XCR0 = 0xe7 is 2432; CPUID.0xD.1 EBX for XCR0|XSS is 2472 (0x9a8).
        Assert.Equal(2432u, b.User.MaxSize);
        Assert.Equal(2472u, b.Kernel.MaxSize);
        // R40: XSS = supervisor() = kernel.max & SUPERVISOR_SUPPORTED: CET_U|CET_S (KO §7: "CET_U/CET_S exist in host XSS").
        Assert.Equal(0x1800UL, b.Xss);
        Assert.Equal(0x18e7UL, b.Kernel.MaxFeatures);
        // R39: the host default drops CET_S (GUEST_SUPERVISOR); the guest default keeps it.
        Assert.Equal(0x8e7UL, b.Kernel.DefaultFeatures);
        Assert.Equal(2432u + 16, b.Kernel.DefaultSize);
        Assert.Equal(0x18e7UL, b.Guest.Features);
        Assert.Equal(2472u, b.Guest.Size);
        // No XFD: nothing dynamic.
        Assert.Equal(0UL, b.InitFpstateXfd);
        Assert.False(b.DynamicSizing);
    }

    [Fact]
    public void SigframeSize_ObservedZen5_IsAtMinSigStkSz()
    {
        // KO §1b: getauxval(AT_MINSIGSTKSZ) = 3376.
        Assert.Equal(3376UL, Hosts.Zen5().MaxFrameSize);
    }

    [Fact]
    public void Boot_SapphireRapids_HandComputedSizes()
    {
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        Assert.Equal(Hosts.SprUserMax, b.User.MaxFeatures);
        Assert.Equal(Hosts.SprUserMaxSize, b.User.MaxSize);
        Assert.Equal(Hosts.SprUserMax & ~(1UL << 18), b.User.DefaultFeatures);
        Assert.Equal(Hosts.SprUserDefaultSize, b.User.DefaultSize);
        // R37/R38: PT (unsupported), UINTR and LBR (no mapping) are dropped; PASID stays with ENQCMD.
        Assert.Equal(Hosts.SprKernelMax, b.Kernel.MaxFeatures);
        Assert.Equal(Hosts.SprKernelMaxSize, b.Kernel.MaxSize);
        Assert.Equal(Hosts.SprKernelDefault, b.Kernel.DefaultFeatures);
        Assert.Equal(Hosts.SprKernelDefaultSize, b.Kernel.DefaultSize);
        Assert.Equal(Hosts.SprKernelDefault | 1UL << 12, b.Guest.Features);
        Assert.Equal(Hosts.SprGuestSize, b.Guest.Size);
        // R36/R40 (H12): LBR is independent (raw enumeration) and written to XSS because ARCH_LBR is present.
        Assert.Equal(1UL << 15, b.Kernel.IndependentFeatures);
        Assert.Equal(0x1c00UL | 1UL << 15, b.Xss);
        // R39: init_fpstate.xfd = user.max & USER_DYNAMIC.
        Assert.Equal(1UL << 18, b.InitFpstateXfd);
        Assert.True(b.DynamicSizing);
        Assert.Equal(Hosts.SprMaxFrameSize, b.MaxFrameSize);
    }

    [Fact]
    public void Boot_SkylakeClient_PtDroppedMpxKept()
    {
        var b = Hosts.Corpus(Hosts.SkylakeClient);
        // R38: PT is SUPERVISOR_UNSUPPORTED; nothing supervisor remains, so XSS = 0.
        Assert.Equal(0x1fUL, b.Kernel.MaxFeatures);
        Assert.Equal(0UL, b.Xss);
        // Compacted 0x1f: 576 + 256 + 64 + 64 = 960; standard: BNDCSR at 0x400 + 64 = 1088 (CPUID.0xD.0 EBX 0x440).
        Assert.Equal(960u, b.Kernel.MaxSize);
        Assert.Equal(960u, b.Kernel.DefaultSize);
        Assert.Equal(1088u, b.User.MaxSize);
        Assert.Equal(1088u, b.User.DefaultSize);
        Assert.Equal(960u, b.Guest.Size);
    }

    [Fact]
    public void Boot_Zen1_Erratum1386_CompactedWithoutXsaves()
    {
        var b = Hosts.Corpus(Hosts.Zen1);
        // R38a/H23: XSAVES cleared on family 0x17, XSAVEC keeps the compacted format; no XSS.
        Assert.False(b.Has(CpuCaps.Xsaves));
        Assert.True(b.Compacted);
        Assert.Equal(0UL, b.Xss);
        Assert.Equal(0x7UL, b.Kernel.MaxFeatures);
        // 576 + 256 = 832 both ways (CPUID.0xD.0 EBX 0x340).
        Assert.Equal(832u, b.Kernel.MaxSize);
        Assert.Equal(832u, b.User.MaxSize);
    }

    [Theory]
    // arch/x86/kernel/cpu/amd.c erratum_1386_microcode[] (R38a): 17h/01h stepping 2 >= 0x0800126e, 17h/31h stepping 0
    // >= 0x08301052 keep XSAVES; anything else on family 0x17, or an unknown revision, loses it.
    [InlineData(0x01, 2, 0x0800126eu, true)]
    [InlineData(0x01, 2, 0x08001250u, false)]
    [InlineData(0x31, 0, 0x08301055u, true)]
    [InlineData(0x31, 0, 0x08301039u, false)]
    [InlineData(0x08, 2, 0x0800820du, false)]
    [InlineData(0x01, 2, null, false)]
    public void Boot_Zen_Erratum1386_FollowsMicrocode(int model, int stepping, uint? revision, bool keeps)
    {
        var cpu = TestSupport.Corpus.Cpu(Hosts.Zen1) with { Model = model, Stepping = stepping, MicrocodeRevision = revision };
        var b = BootTables.Build(cpu, KernelConfig.Default);
        Assert.Equal(keeps, b.Has(CpuCaps.Xsaves));
        Assert.True(b.Compacted); // XSAVEC either way
    }

    [Fact]
    public void Boot_Zen1_WithoutErratum_KeepsXsaves()
    {
        var b = Hosts.Corpus(Hosts.Zen1, KernelConfig.Default with { AmdZenXsavesErratum = false });
        Assert.True(b.Has(CpuCaps.Xsaves));
        Assert.True(b.Compacted);
    }

    [Fact]
    public void Boot_AllTasksPolicy_CetKernelInEveryTask()
    {
        // R39 under the AllTasks policy: host default mask = ~USER_DYNAMIC, so kernel defaults = guest defaults.
        var b = Hosts.Zen5(KernelConfig.Default with { Policy = CetSupervisorPolicy.AllTasks });
        Assert.Equal(0x18e7UL, b.Kernel.DefaultFeatures);
        Assert.Equal(2472u, b.Kernel.DefaultSize);
        Assert.Equal(b.Kernel.DefaultFeatures, b.Guest.Features);
    }

    [Fact]
    public void Boot_NonePolicy_NoCetKernelAnywhere()
    {
        var b = Hosts.Zen5(KernelConfig.Default with { Policy = CetSupervisorPolicy.None });
        Assert.Equal(0x8e7UL, b.Kernel.MaxFeatures);
        Assert.Equal(0x800UL, b.Xss);
        Assert.Equal(0x8e7UL, b.Guest.Features);
        Assert.Equal(2448u, b.Kernel.MaxSize);
    }

    [Fact]
    public void Boot_NoXsave_LegacyFxsaveSizes()
    {
        // R43: FXSR -> every size 512, user.legacy_features = FP|SSE.
        var b = Hosts.Zen5(KernelConfig.Default with { NoXsave = true });
        Assert.False(b.XsaveEnabled);
        Assert.Equal("XSAVE disabled by noxsave", b.DisabledReason);
        Assert.Equal(512u, b.Kernel.MaxSize);
        Assert.Equal(512u, b.User.DefaultSize);
        Assert.Equal(512u, b.Guest.Size);
        Assert.Equal(0x3UL, b.User.LegacyFeatures);
        Assert.Equal(0UL, b.Xcr0);
        Assert.Equal(512, b.InitFpstateRegs.Length);
    }

    [Fact]
    public void Boot_32Bit_NoAmx()
    {
        // SPEC conventions: on 32-bit XFEATURE_MASK_XTILE is 0 and XFD is compiled out.
        var b = Hosts.Corpus(Hosts.SapphireRapids, KernelConfig.Default with { Is64Bit = false });
        Assert.Equal(Hosts.SprUserMax & ~0x60000UL, b.User.MaxFeatures);
        Assert.Equal(0UL, b.InitFpstateXfd);
        Assert.False(b.DynamicSizing);
    }

    [Fact]
    public void InitFpstate_FxsaveDefaults()
    {
        // R54, H15: FCW 0x37F, MXCSR 0x1F80, MXCSR_MASK as FXSAVE reports it (KO §3g: 0x2ffff on Zen 5); XCOMP_BV per R52.
        var b = Hosts.Zen5();
        var r = b.InitFpstateRegs;
        Assert.Equal((int)b.Kernel.DefaultSize, r.Length);
        Assert.Equal(0x37F, BitConverter.ToUInt16(r, 0));
        Assert.Equal(0x1F80u, BitConverter.ToUInt32(r, 24));
        Assert.Equal(0x2FFFFu, BitConverter.ToUInt32(r, 28));
        Assert.Equal(0UL, BitConverter.ToUInt64(r, 512));
        Assert.Equal(0x8e7UL | 1UL << 63, BitConverter.ToUInt64(r, 520));
    }

    [Theory]
    [MemberData(nameof(Corpus.CleanIds), MemberType = typeof(Corpus))]
    public void Boot_R45_DerivedRelations(string id)
    {
        var b = Hosts.Corpus(id);
        if (!b.XsaveEnabled) return;
        const ulong userDynamic = 1UL << 18, guestSupervisor = 1UL << 12;
        Assert.Equal(0UL, b.User.MaxFeatures & ~b.Kernel.MaxFeatures);
        Assert.Equal(b.User.MaxFeatures & ~userDynamic, b.User.DefaultFeatures);
        Assert.Equal(0UL, b.Kernel.DefaultFeatures & ~b.Guest.Features);
        Assert.Equal(0UL, b.Guest.Features & ~b.Kernel.MaxFeatures);
        Assert.Equal(b.Kernel.MaxFeatures & guestSupervisor, b.Guest.Features & ~b.Kernel.DefaultFeatures);
        Assert.Equal(0UL, b.Kernel.DefaultFeatures & (userDynamic | guestSupervisor));
        Assert.True(b.Kernel.DefaultSize <= b.Guest.Size && b.Guest.Size <= b.Kernel.MaxSize);
        Assert.True(b.User.DefaultSize <= b.User.MaxSize);
        // R45: without XSAVES no supervisor component (8, 10..16) anywhere.
        const ulong supervisorComponents = 0x1FD00;
        if (!b.Has(CpuCaps.Xsaves)) Assert.Equal(0UL, (b.Kernel.MaxFeatures | b.Guest.Features | b.Xss) & supervisorComponents);
        // R41 with R40: user.max_size is CPUID.(0xD,0).EBX for XCR0 = user.max — the profile's EBX when it was dumped
        // with every user feature enabled (EBX = ECX).
        var cpu = Corpus.Cpu(id);
        if (b.User.MaxFeatures == cpu.SupportedXcr0.Bits && cpu.EnabledStandardSize == cpu.MaxStandardSize)
            Assert.Equal(cpu.EnabledStandardSize, b.User.MaxSize);
    }
}
