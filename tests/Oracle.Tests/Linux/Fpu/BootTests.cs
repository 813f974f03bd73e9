namespace Xsave.Oracle.Tests.Linux.Fpu;

/// <summary>
/// fpu__init_system_xstate (SPEC R30-R45, R38a). Expected values: KO §0/§1a (the Zen 5 host's dmesg and CPUID), SPEC
/// R16 (Sapphire Rapids sizes), the SPEC rules' own text, and the corpus profiles' registers.
/// </summary>
public class BootTests
{
    // ---- KO §0: the real kernel's boot log on the Zen 5 host ----

    [Fact]
    public void Boot_Zen5_MatchesDmesgSummaryLine_KO0()
    {
        var boot = Zen5Boot();
        Assert.Contains("x86/fpu: Enabled xstate features 0x18e7, context size is 2472 bytes, using 'compacted' format.",
            boot.KernelLog);
    }

    [Fact]
    public void Boot_Zen5_PrintsDmesgOffsets_KO0()
    {
        var log = Zen5Boot().KernelLog;
        // KO §0: offsets [2]=576 [5]=832 [6]=896 [7]=1408 [11]=2432 [12]=2448.
        Assert.Contains("x86/fpu: xstate_offset[2]:  576, xstate_sizes[2]:  256", log);
        Assert.Contains("x86/fpu: xstate_offset[7]: 1408, xstate_sizes[7]: 1024", log);
        Assert.Contains("x86/fpu: xstate_offset[11]: 2432, xstate_sizes[11]:   16", log);
        Assert.Contains("x86/fpu: xstate_offset[12]: 2448, xstate_sizes[12]:   24", log);
    }

    [Fact]
    public void Boot_Zen5_SupportsTheFeaturesDmesgLists_KO0()
    {
        var log = Zen5Boot().KernelLog;
        Assert.Contains("x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'", log);
        Assert.Contains("x86/fpu: Supporting XSAVE feature 0x800: 'Control-flow User registers'", log);
        Assert.Contains("x86/fpu: Supporting XSAVE feature 0x1000: 'Control-flow Kernel registers (KVM only)'", log);
        Assert.Equal(8, log.Count(l => l.StartsWith("x86/fpu: Supporting XSAVE feature", StringComparison.Ordinal)));
    }

    // ---- R30/R31: the three configurations ----

    [Fact]
    public void R30_R31_Zen5_KernelUserGuestConfigurations()
    {
        var boot = Zen5Boot();
        // KO §0: kernel max 0x18e7 / 2472 bytes; user = XCR0 0xe7, standard size 2432 (KO §1a 0xD.0 EBX, §6b regset).
        Assert.Equal(Mask(0x18E7), boot.Kernel.MaxFeatures);
        Assert.Equal(2472u, boot.Kernel.MaxSize);
        Assert.Equal(Mask(0xE7), boot.User.MaxFeatures);
        Assert.Equal(2432u, boot.User.MaxSize);
        // R39: host default drops CET_KERNEL (0x1000): 0x8e7, which ends where CET_S starts, 2448 (KO §0 offset[12]).
        Assert.Equal(Mask(0x8E7), boot.Kernel.DefaultFeatures);
        Assert.Equal(2448u, boot.Kernel.DefaultSize);
        // R31: the guest default is the kernel default plus CET_KERNEL: all of kernel.max here.
        Assert.Equal(new VcpuFpuConfig(2472, Mask(0x18E7)), boot.Guest);
        // R30: only user.legacy_features is set (fpu__init_system_xstate_size_legacy); KO §2 SUPP = 0xe7 includes it.
        Assert.Equal(XfeatureMasks.FpSse, boot.User.LegacyFeatures);
        Assert.Equal(FeatureMask.None, boot.Kernel.LegacyFeatures);
    }

    [Fact]
    public void R16_R41_SapphireRapids_WorkedExampleSizes()
    {
        var boot = SprBoot();
        // SPEC R16: standard size of XCR0 0x602E7 = 11008 = sub-leaf 0 EBX 0x2B00.
        Assert.Equal(11008u, boot.User.MaxSize);
        Assert.Equal(Corpus.Cpu(SapphireRapids).MaxStandardSize, boot.User.MaxSize);
        // SPEC R16: host default compacted 2560; guest default 2560 (CET_S fits in TILECFG's alignment padding).
        Assert.Equal(2560u, boot.Kernel.DefaultSize);
        Assert.Equal(2560u, boot.Guest.Size);
        // R16 arithmetic continued: TILEDATA (8192, 64-aligned at 2560) ends kernel.max at 10752.
        Assert.Equal(10752u, boot.Kernel.MaxSize);
        // User default (no TILEDATA): TILECFG ends at 0xAC0 + 0x40 = 2816 (profile sub-leaf 17).
        Assert.Equal(2816u, boot.User.DefaultSize);
    }

    // ---- R32 / R43: no XSAVE ----

    [Fact]
    public void R32_R43_NoXsave_LegacyFxsaveSizes()
    {
        var cpu = Zen5Ko() with { Flags = Zen5Ko().Flags with { Xsave = false } };
        var boot = Boot(cpu);
        Assert.False(boot.XsaveEnabled);
        Assert.NotNull(boot.DisabledReason);
        // R43: FXSR -> every size is sizeof(fxregs_state) = 512, user.legacy_features = FPSSE.
        Assert.All(new[] { boot.Kernel.MaxSize, boot.Kernel.DefaultSize, boot.User.MaxSize, boot.User.DefaultSize, boot.Guest.Size },
            s => Assert.Equal(512u, s));
        Assert.Equal(XfeatureMasks.FpSse, boot.User.LegacyFeatures);
        Assert.Equal(FeatureMask.None, boot.Kernel.MaxFeatures);
        // setup_clear_cpu_cap(XSAVE) takes AVX and AVX-512 with it.
        Assert.False(boot.Caps.Has(CpuCap.Avx));
        Assert.False(boot.Caps.Has(CpuCap.Avx512F));
        Assert.Contains("x86/fpu: x87 FPU will use FXSAVE", boot.KernelLog);
    }

    [Fact]
    public void R43_NoFxsr_FsaveSizeAndFpOnly()
    {
        // A 32-bit kernel: a 64-bit one does not boot without FXSR (REQUIRED_MASK0, verify_cpu).
        var cpu = Zen5Ko() with { Flags = Zen5Ko().Flags with { Xsave = false, Fxsr = false } };
        var boot = FpuBoot.Run(cpu, KernelConfig.Default with { Is64Bit = false });
        // R43: sizeof(fregs_state) = 112, legacy_features = FP.
        Assert.Equal(112u, boot.Kernel.MaxSize);
        Assert.Equal(112u, boot.Guest.Size);
        Assert.Equal(FeatureMask.Of(XFeature.Fp), boot.User.LegacyFeatures);
    }

    [Fact]
    public void R32_NoxsaveCommandLine_DisablesXsave()
    {
        var boot = FpuBoot.Run(Zen5Ko(), KernelConfig.Default with { NoXsave = true });
        Assert.False(boot.XsaveEnabled);
        Assert.Equal(512u, boot.User.MaxSize);
        Assert.Equal(FeatureMask.None, boot.Xcr0);
    }

    // ---- R33 / R44: FP/SSE missing ----

    [Fact]
    public void R33_R44_FpSseNotEnumerated_DisablesXsave()
    {
        // Sub-leaf 0 EAX 0xe5: x87 but no SSE.
        var cpu = Zen5Ko().WithSubLeaves("no-sse", (0, new CpuidRegs(0xE5, 0x980, 0x980, 0)));
        var boot = Boot(cpu);
        Assert.False(boot.XsaveEnabled);
        Assert.Contains("FP/SSE", boot.DisabledReason);
        // R44: kernel.max := 0, five sizes := legacy size, init_fpstate.xfd := 0, XSAVE and OSXSAVE caps cleared.
        Assert.Equal(FeatureMask.None, boot.Kernel.MaxFeatures);
        Assert.All(new[] { boot.Kernel.MaxSize, boot.Kernel.DefaultSize, boot.User.MaxSize, boot.User.DefaultSize, boot.Guest.Size },
            s => Assert.Equal(512u, s));
        Assert.Equal(FeatureMask.None, boot.InitFpstateXfd);
        Assert.False(boot.Caps.Has(CpuCap.Xsave));
        Assert.False(boot.Caps.Has(CpuCap.Osxsave));
        Assert.Contains("x86/fpu: XSAVE disabled", boot.KernelLog);
    }

    // ---- R34: AVX caps cleared, XSAVE kept ----

    [Fact]
    public void R34_AvxWithoutYmmState_ClearsAvxAndAvx512Caps()
    {
        // Sub-leaf 0 EAX 0x3: the CPU claims AVX/AVX-512 in leaf 1/7 but enumerates only x87/SSE.
        var cpu = Zen5Ko().WithSubLeaves("no-ymm", (0, new CpuidRegs(0x3, 0x240, 0x240, 0)));
        var boot = Boot(cpu);
        Assert.True(boot.XsaveEnabled);
        Assert.False(boot.Caps.Has(CpuCap.Avx));
        Assert.False(boot.Caps.Has(CpuCap.Avx512F));
        Assert.Contains("[Firmware Bug]: x86/fpu: Disabling AVX support due to missing xstate features", boot.KernelLog);
    }

    [Fact]
    public void R34_Avx512WithoutZmmState_ClearsOnlyAvx512F()
    {
        var cpu = Zen5Ko().WithSubLeaves("no-zmm", (0, new CpuidRegs(0x7, 0x340, 0x340, 0)));
        var boot = Boot(cpu);
        Assert.True(boot.Caps.Has(CpuCap.Avx));
        Assert.False(boot.Caps.Has(CpuCap.Avx512F));
        Assert.Equal(Mask(0x7), boot.User.MaxFeatures);
    }

    // ---- R35 / H21: APX and MPX ----

    [Fact]
    public void R35_H21_ApxAndMpxBothEnumerated_DisablesXsave()
    {
        // Skylake-era layout plus APX (19) at 960, the MPX region (SPEC R1). An oracle without the R35 check in
        // FpuBoot.Run ("if (kmax.Contains(XFeature.Apx) && kmax.Overlaps(ArchMasks.Mpx))") would boot with XSAVE.
        var cpu = Zen5Ko().WithSubLeaves("apx-mpx",
            (0, new CpuidRegs(0x800FF, 0xA80, 0xA80, 0)),
            (3, new CpuidRegs(0x40, 0x3C0, 0, 0)),
            (4, new CpuidRegs(0x40, 0x400, 0, 0)),
            (19, new CpuidRegs(0x80, 0x3C0, 0, 0)));
        cpu = cpu with { Flags = cpu.Flags with { Mpx = true, Apx = true } };
        var boot = Boot(cpu);
        Assert.False(boot.XsaveEnabled);
        Assert.Contains("APX/MPX", boot.DisabledReason);
        Assert.Equal(512u, boot.Kernel.MaxSize);
    }

    // ---- R36 / R40 / H12: independent features and XSS ----

    [Fact]
    public void R36_R40_SapphireRapids_LbrIsIndependentAndInXss()
    {
        var boot = SprBoot();
        // Profile: XSS-supported 0xDD00, arch_lbr set -> independent = LBR (0x8000).
        Assert.Equal(XfeatureMasks.Independent, boot.Kernel.IndependentFeatures);
        // R40: XSS = supervisor (PASID|CET_U|CET_S = 0x1C00, ENQCMD and CET_SS set) | LBR.
        Assert.Equal(Mask(0x9C00), boot.Xss);
        // LBR is never part of a task fpstate.
        Assert.False(boot.Kernel.MaxFeatures.Contains(XFeature.Lbr));
    }

    [Fact]
    public void R40_H12_LbrNotEnumeratedByXsaves_NeverWrittenToXss()
    {
        // H12: ARCH_LBR flag set but CPUID.(0xD,1) does not enumerate LBR: the XSS value must not contain it
        // (WRMSR would #GP). Would fail if FpuBoot.Run took independent features from the ARCH_LBR flag instead of
        // "var independent = kmax & XfeatureMasks.Independent" (R36).
        var spr = Spr();
        var cpu = spr.WithSubLeaves("spr-no-lbr-xss", (1, new CpuidRegs(0x1F, 0x2A80, 0x5D00, 0)));
        var boot = Boot(cpu);
        Assert.True(cpu.Flags.ArchLbr);
        Assert.Equal(FeatureMask.None, boot.Kernel.IndependentFeatures);
        Assert.False(boot.Xss.Contains(XFeature.Lbr));
        Assert.True(boot.Xss.IsSubsetOf(cpu.SupportedXss));
    }

    [Fact]
    public void R40_LbrEnumeratedButNoArchLbr_IndependentButNotInXss()
    {
        var spr = Spr();
        var cpu = spr with { Flags = spr.Flags with { ArchLbr = false } };
        var boot = Boot(cpu);
        // R36: still independent (raw enumeration); R40: independent() drops LBR without ARCH_LBR.
        Assert.Equal(XfeatureMasks.Independent, boot.Kernel.IndependentFeatures);
        Assert.Equal(Mask(0x1C00), boot.Xss);
    }

    // ---- R37: feature-flag filtering ----

    [Fact]
    public void R37_Zen2PkruWithoutPku_NotEnabled()
    {
        // Matisse (Zen 2): sub-leaf 0 EAX 0x207 enumerates PKRU but leaf 7 reports no PKU (corpus README).
        var cpu = Corpus.Cpu("amd-matisse-870f10");
        Assert.True(cpu.SupportedXcr0.Contains(XFeature.Pkru));
        Assert.False(cpu.Flags.Pku);
        var boot = Boot(cpu);
        Assert.Equal(Mask(0x7), boot.User.MaxFeatures);
        Assert.Equal(Mask(0x7), boot.Xcr0);
    }

    [Fact]
    public void R37_UnmappedSupervisorComponents_AlwaysCleared()
    {
        // SPR enumerates PT (8), UINTR (14), LBR (15): 14 and 15 map to no feature, PT is SUPERVISOR_UNSUPPORTED.
        var boot = SprBoot();
        Assert.False(boot.Kernel.MaxFeatures.Overlaps(FeatureMask.Of(XFeature.Pt, XFeature.Uintr, XFeature.Lbr)));
        // R37 keeps PASID (ENQCMD) and CET (SHSTK): kernel.max = 0x602E7 | 0x1C00.
        Assert.Equal(Mask(0x61EE7), boot.Kernel.MaxFeatures);
    }

    [Fact]
    public void R38_AmdLwpBit62_NeverEnabled()
    {
        // Interlagos enumerates LWP (bit 62, EDX of sub-leaf 0 = 0x40000000; ECX 0x3C0 includes its area). R37's loop
        // covers only 0..19; R38's USER_SUPPORTED mask removes bit 62. Standard size of 0x7 = 832 = sub-leaf 0 EBX.
        var cpu = Corpus.Cpu("amd-interlagos-600f12");
        Assert.True(cpu.SupportedXcr0.Contains(XFeature.Lwp));
        var boot = Boot(cpu);
        Assert.Equal(Mask(0x7), boot.Kernel.MaxFeatures);
        Assert.Equal(832u, boot.User.MaxSize);
        Assert.Equal(cpu.EnabledStandardSize, boot.User.MaxSize);
    }

    // ---- R38: XFD and XSAVES ----

    [Fact]
    public void R38_NoXfd_TileDataDropped()
    {
        // SPR with sub-leaf 1 EAX bit 4 (XFD) clear.
        var cpu = Spr().WithSubLeaves("spr-no-xfd", (1, new CpuidRegs(0xF, 0x2A80, 0xDD00, 0)));
        var boot = Boot(cpu);
        // The AMX_TILE flag is not cleared by a missing XFD enumeration (cpuid-deps act only when clearing), so
        // XTILE_CFG stays while XTILE_DATA goes: fpu__init_cpu_xstate hands XSETBV 0x202e7, which it refuses (SPEC F3,
        // R8): the boot dies at that #GP.
        Assert.Equal(0x202e7UL, boot.Xcr0.Bits);
        Assert.True(boot.Xcr0.Contains(XFeature.XtileCfg));
        Assert.False(boot.Xcr0.Contains(XFeature.XtileData));
        Assert.NotNull(boot.Failure);
        Assert.Equal(FeatureMask.None, boot.InitFpstateXfd);
    }

    [Fact]
    public void R38_NoXsaves_NoSupervisorState()
    {
        // SPR without XSAVES (sub-leaf 1 EAX 0x17: XSAVEOPT, XSAVEC, XGETBV1, XFD): compacted via XSAVEC, only user features.
        var cpu = Spr().WithSubLeaves("spr-no-xsaves", (1, new CpuidRegs(0x17, 0x2A80, 0xDD00, 0)));
        var boot = Boot(cpu);
        Assert.True(boot.Compacted);
        Assert.False(boot.Caps.Has(CpuCap.Xsaves));
        Assert.True(boot.Kernel.MaxFeatures.IsSubsetOf(XfeatureMasks.UserSupported));
        Assert.Equal(FeatureMask.None, boot.Xss);
        // XFD depends on XSAVES only when XSAVES is cleared (cpuid-deps); absent from the start, XFD and AMX stay.
        Assert.True(boot.Kernel.MaxFeatures.Contains(XFeature.XtileData));
        Assert.Null(boot.Failure);
    }

    // ---- R38a / H23: AMD family 0x17 ----

    [Fact]
    public void R38a_H23_Zen1_XsavesClearedCompactedKept()
    {
        // amd-zen-800f12: family 0x17, sub-leaf 1 EAX 0xF (XSAVES enumerated). H23: a kernel that put the erratum
        // check where Zen never goes kept XSAVES. The dump records no microcode revision: unknown = affected (R38a).
        var cpu = Corpus.Cpu("amd-zen-800f12");
        Assert.True(cpu.HasXsaves);
        var boot = Boot(cpu);
        Assert.False(boot.Caps.Has(CpuCap.Xsaves));
        Assert.True(boot.Compacted);
        Assert.Equal(FeatureMask.None, boot.Xss);

        var unpatched = FpuBoot.Run(cpu, KernelConfig.Default with { AmdZenXsavesErratum = false });
        Assert.True(unpatched.Caps.Has(CpuCap.Xsaves));
    }

    [Theory]
    // amd.c erratum_1386_microcode[]: 17h model 01h stepping 2 fixed at 0x0800126e, model 31h stepping 0 at 0x08301052.
    [InlineData(0x01, 2, 0x0800126eu, true)]
    [InlineData(0x01, 2, 0x0800126du, false)]
    [InlineData(0x01, 2, 0x08001300u, true)]
    [InlineData(0x31, 0, 0x08301052u, true)]
    [InlineData(0x31, 0, 0x08301051u, false)]
    [InlineData(0x31, 1, 0x08301100u, false)] // stepping not in the table: x86_match_min_microcode_rev() finds nothing
    [InlineData(0x71, 0, 0x08701030u, false)] // Zen 2 Matisse: not in the table, always cleared
    public void R38a_FixedMicrocodeKeepsXsaves(int model, int stepping, uint revision, bool keeps)
    {
        var cpu = Corpus.Cpu("amd-zen-800f12") with { Model = model, Stepping = stepping, MicrocodeRevision = revision };
        Assert.Equal(keeps, Boot(cpu).Caps.Has(CpuCap.Xsaves));
        Assert.Equal(!keeps, Erratum1386.Applies(cpu));
    }

    [Fact]
    public void R38a_UnknownMicrocode_IsAffected()
    {
        // R38a: "a CPU model without a known microcode revision is treated as affected".
        var cpu = Corpus.Cpu("amd-zen-800f12") with { MicrocodeRevision = null };
        Assert.False(Boot(cpu).Caps.Has(CpuCap.Xsaves));
    }

    [Fact]
    public void R38a_HygonFamily18_KeepsXsaves()
    {
        // The erratum check is AMD family 0x17 only; Hygon's Dhyana is family 0x18.
        var cpu = Corpus.Cpu("hygon-hygon-900f02");
        Assert.True(cpu.HasXsaves);
        Assert.True(Boot(cpu).Caps.Has(CpuCap.Xsaves));
    }

    // ---- R39: defaults and the policy variants ----

    [Fact]
    public void R39_SapphireRapids_DefaultsAndInitXfd()
    {
        var boot = SprBoot();
        // kernel.default = 0x61EE7 minus TILEDATA (0x40000) and CET_S (0x1000).
        Assert.Equal(Mask(0x20EE7), boot.Kernel.DefaultFeatures);
        Assert.Equal(Mask(0x202E7), boot.User.DefaultFeatures);
        Assert.Equal(Mask(0x21EE7), boot.Guest.Features);
        // init_fpstate.xfd = user.max & USER_DYNAMIC.
        Assert.Equal(XfeatureMasks.UserDynamic, boot.InitFpstateXfd);
        Assert.True(boot.Compacted);
    }

    [Fact]
    public void R39_Policy_AllTasks_PutsCetKernelInEveryTask()
    {
        var boot = Zen5Boot(CetSupervisorPolicy.AllTasks);
        Assert.Equal(Mask(0x18E7), boot.Kernel.DefaultFeatures);
        Assert.Equal(2472u, boot.Kernel.DefaultSize);
        Assert.Equal(boot.Kernel.DefaultFeatures, boot.Guest.Features);
        Assert.Equal(Mask(0xE7), boot.User.DefaultFeatures);
        Assert.Equal(Mask(0x1800), boot.Xss);
    }

    [Fact]
    public void R39_Policy_None_DropsCetKernelFromMaxAndXss()
    {
        var boot = Zen5Boot(CetSupervisorPolicy.None);
        Assert.Equal(Mask(0x8E7), boot.Kernel.MaxFeatures);
        Assert.Equal(2448u, boot.Kernel.MaxSize);
        Assert.Equal(Mask(0x800), boot.Xss);
        Assert.Equal(new VcpuFpuConfig(2448, Mask(0x8E7)), boot.Guest);
    }

    // ---- R40: registers written ----

    [Fact]
    public void R40_Zen5_Xcr0AndXss()
    {
        var boot = Zen5Boot();
        // KO §1b: XGETBV(0) = 0xe7. XSS: supervisor() includes CET_KERNEL though host fpstates never hold it.
        Assert.Equal(Mask(0xE7), boot.Xcr0);
        Assert.Equal(Mask(0x1800), boot.Xss);
        Assert.Equal(FeatureMask.None, boot.Xfd);
    }

    [Fact]
    public void R40_SapphireRapids_XfdArmedForTileData()
    {
        var boot = SprBoot();
        Assert.Equal(Mask(0x602E7), boot.Xcr0);
        Assert.Equal(XfeatureMasks.UserDynamic, boot.Xfd);
    }

    // ---- R41 / R42 ----

    [Fact]
    public void R41_StandardFormatCpu_KernelSizeIsUserSize()
    {
        // Haswell-EP: sub-leaf 1 EAX has XSAVEOPT only -> standard format, no supervisor states.
        var cpu = Corpus.Cpu("intel-haswellep-306f2");
        Assert.False(cpu.HasXsavec || cpu.HasXsaves);
        var boot = Boot(cpu);
        Assert.False(boot.Compacted);
        Assert.Equal(boot.User.MaxSize, boot.Kernel.MaxSize);
        Assert.Equal(cpu.MaxStandardSize, boot.User.MaxSize);
    }

    [Fact]
    public void R42_InitFpstateLargerThanPage_DisablesXsave()
    {
        // Zen 5 plus a 2000-byte APX component (the kernel's struct is 128: only a WARN), so the host default set
        // 0x800e7|CET_U compacts to 2448 + 2000 = 4448 > 4096 = sizeof(init_fpstate.regs).
        var cpu = Zen5Ko().WithSubLeaves("big-apx",
            (0, new CpuidRegs(0x800E7, 0x980, 0x1150, 0)),
            (19, new CpuidRegs(2000, 0x980, 0, 0)));
        cpu = cpu with { Flags = cpu.Flags with { Apx = true } };
        var boot = Boot(cpu);
        Assert.False(boot.XsaveEnabled);
        Assert.Contains("init_fpstate buffer too small (4096 < 4448)", boot.DisabledReason);
        Assert.Contains(boot.KernelLog, l => l.Contains("[APX registers]: struct is 128 bytes, cpu state 2000 bytes"));
        // R44 as coded: only kernel.max is cleared; the sizes are the legacy size.
        Assert.Equal(FeatureMask.None, boot.Kernel.MaxFeatures);
        Assert.Equal(512u, boot.Guest.Size);
        // XCOMPACTED was set before the check and is never cleared (as coded).
        Assert.True(boot.Compacted);
    }

    [Fact]
    public void R42_StructSizeMismatch_OnlyWarns()
    {
        // Zen 5 with a 32-byte CET_U descriptor (struct cet_user_state is 16).
        var cpu = Zen5Ko().WithSubLeaves("cet-32", (11, new CpuidRegs(0x20, 0, 1, 0)));
        var boot = Boot(cpu);
        Assert.True(boot.XsaveEnabled);
        Assert.Contains(boot.KernelLog, l => l.Contains("struct is 16 bytes, cpu state 32 bytes"));
    }

    // ---- R44 ----

    [Fact]
    public void R44_DisableAfterMasks_LeavesUserAndGuestMasksAsCoded()
    {
        // Same CPU as R42 above: the disable happens after R39, so user.max and guest features keep their values.
        var cpu = Zen5Ko().WithSubLeaves("big-apx",
            (0, new CpuidRegs(0x800E7, 0x980, 0x1150, 0)),
            (19, new CpuidRegs(2000, 0x980, 0, 0)));
        cpu = cpu with { Flags = cpu.Flags with { Apx = true } };
        var boot = Boot(cpu);
        Assert.Equal(Mask(0x800E7), boot.User.MaxFeatures);
        Assert.Equal(Mask(0x818E7), boot.Guest.Features);
        Assert.False(boot.Caps.Has(CpuCap.Apx));
        Assert.False(boot.Caps.Has(CpuCap.Avx));
    }

    // ---- R45 on the two reference hosts (the corpus-wide version is in InvariantTests) ----

    [Theory]
    [InlineData(CetSupervisorPolicy.Merged)]
    [InlineData(CetSupervisorPolicy.AllTasks)]
    [InlineData(CetSupervisorPolicy.None)]
    public void R45_DerivedRelations_Zen5AndSpr(CetSupervisorPolicy policy)
    {
        foreach (var boot in new[] { Zen5Boot(policy), SprBoot(policy) })
            LinuxAssert.BootRelations(boot);
    }

    // ---- MXCSR feature mask ----

    [Fact]
    public void MxcsrFeatureMask_FromFxsaveMask()
    {
        // KO §3g: MXCSR bit 17 accepted on Zen 5 (mask 0x2ffff); Intel parts report 0xffff.
        Assert.Equal(0x2FFFFu, Zen5Boot().MxcsrFeatureMask);
        Assert.Equal(0xFFFFu, SprBoot().MxcsrFeatureMask);
    }
}
