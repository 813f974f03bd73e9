using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.Linux.Fpu;

/// <summary>
/// Boot options (cpu_parse_early_param: noxsave, noxsaveopt, noxsaves, clearcpuid=) through the cpuid-deps closure
/// (do_clear_cpu_cap), and the boot that dies at XSETBV (SPEC F3). Expected values come from the SPR dump and the
/// layout rules (R14, R15, R41, R46), worked out in the comments.
/// </summary>
public class BootOptionsTests
{
    private static BootResult Boot(CpuModel cpu, KernelConfig config) => FpuBoot.Run(cpu, config);
    private static BootResult Spr(KernelConfig config) => Boot(LinuxHosts.Spr(), config);

    /// <summary>SPR's dump with CPUID.(0xD,1).EAX[4] (XFD) and 0xD.18 ECX[2] cleared, as a VM may present it.</summary>
    private static CpuModel SprWithoutXfd()
    {
        var spr = LinuxHosts.Spr();
        var sub1 = spr.SubLeaf(1);
        var sub18 = spr.SubLeaf(18);
        return spr.WithSubLeaves("spr-no-xfd", (1, sub1 with { Eax = sub1.Eax & ~16u }), (18, sub18 with { Ecx = sub18.Ecx & ~4u }));
    }

    [Fact]
    public void DependencyRows_AreCpuidDeps()
    {
        // cpuid_deps[]: FXSR on FPU, XSAVE and XMM on FXSR, so clearing FPU reaches the whole XSAVE family.
        var set = CpuCapDependencies.DisableSet(CpuCap.Fpu);
        foreach (var cap in new[] { CpuCap.Fxsr, CpuCap.Xmm, CpuCap.Xsave, CpuCap.Xsaves, CpuCap.Avx, CpuCap.Avx512F, CpuCap.Xfd, CpuCap.AmxTile, CpuCap.Shstk })
            Assert.Contains(cap, set);
        // XGETBV1 -> XFD -> AMX_TILE; nothing else.
        Assert.Equal(new HashSet<CpuCap> { CpuCap.Xgetbv1, CpuCap.Xfd, CpuCap.AmxTile }, CpuCapDependencies.DisableSet(CpuCap.Xgetbv1));
    }

    [Fact]
    public void ClearcpuidAvx_ClearsAvx512_AndTheirStates()
    {
        var b = Spr(KernelConfig.Default with { ClearCpuid = CpuidFlags.Avx });
        Assert.False(b.Caps.Has(CpuCap.Avx512F));
        // 0x602e7 without YMM (bit 2) and AVX-512 (5-7).
        Assert.Equal(0x60203UL, b.Xcr0.Bits);
        Assert.Equal(0x61e03UL, b.Kernel.MaxFeatures.Bits);
        // Compacted 0x61e03: PKRU 576+8, PASID 584+8, CET_U 592+16, CET_S 608+24, TILECFG at 640 (aligned) +64, TILEDATA at 704 +8192.
        Assert.Equal(8896u, b.Kernel.MaxSize);
        // Default 0x20e03 (no TILEDATA, no CET_S): ends with TILECFG at 640+64.
        Assert.Equal(704u, b.Kernel.DefaultSize);
        Assert.Null(b.Failure);
    }

    [Fact]
    public void ClearcpuidXgetbv1_RemovesAmx_ThroughXfd()
    {
        var b = Spr(KernelConfig.Default with { ClearCpuid = CpuidFlags.Xgetbv1 });
        Assert.False(b.Caps.Has(CpuCap.Xfd));
        Assert.False(b.Caps.Has(CpuCap.AmxTile));
        Assert.Equal(0x2e7UL, b.Xcr0.Bits);
        Assert.True(b.InitFpstateXfd.IsEmpty);
        Assert.False(b.DynamicSizing);
    }

    [Fact]
    public void Noxsaves_KeepsTheCompactedFormat_ThroughXsavec_WithoutSupervisorStates()
    {
        var b = Spr(KernelConfig.Default with { NoXsaves = true });
        Assert.True(b.XsaveEnabled);
        Assert.True(b.Compacted);
        Assert.Equal(0UL, b.Xss.Bits);
        Assert.Equal(0x2e7UL, b.Kernel.MaxFeatures.Bits);
        // Compacted 0x2e7 = AVX 576+256, opmask 832+64, ZMM_Hi256 896+512, Hi16_ZMM 1408+1024, PKRU 2432+8.
        Assert.Equal(2440u, b.Kernel.MaxSize);
        // Standard: PKRU at 2688 (0xD.9 EBX = 0xA80) + 8.
        Assert.Equal(2696u, b.User.MaxSize);
        foreach (var gone in new[] { CpuCap.Xsaves, CpuCap.Xfd, CpuCap.AmxTile, CpuCap.Shstk, CpuCap.Enqcmd })
            Assert.False(b.Caps.Has(gone), gone.ToString());
    }

    [Fact]
    public void Noxsaveopt_ChangesNothingTheFpuPolicyReads()
    {
        var plain = Spr(KernelConfig.Default);
        var b = Spr(KernelConfig.Default with { NoXsaveopt = true });
        Assert.False(b.Caps.Has(CpuCap.Xsaveopt));
        Assert.Equal(plain.Xcr0, b.Xcr0);
        Assert.Equal(plain.Xss, b.Xss);
        Assert.Equal(plain.Kernel, b.Kernel);
        Assert.Equal(plain.User, b.User);
    }

    [Fact]
    public void ClearcpuidOspke_IsForcedBackBySetupPku()
    {
        // setup_pku: setup_force_cpu_cap(X86_FEATURE_OSPKE) while PKU is set; cpu_caps_set wins in apply_forced_caps.
        var b = Spr(KernelConfig.Default with { ClearCpuid = CpuidFlags.Ospke });
        Assert.True(b.Caps.Has(CpuCap.Ospke));
        Assert.True(b.Xcr0.Contains(XFeature.Pkru));
        var noPku = Spr(KernelConfig.Default with { ClearCpuid = CpuidFlags.Pku });
        Assert.False(noPku.Xcr0.Contains(XFeature.Pkru));
    }

    [Fact]
    public void ClearcpuidXsave_IsTheLegacyFxsaveBoot()
    {
        var b = Spr(KernelConfig.Default with { ClearCpuid = CpuidFlags.Xsave });
        Assert.False(b.XsaveEnabled);
        Assert.Equal("XSAVE disabled by clearcpuid=", b.DisabledReason);
        Assert.Equal(512u, b.Kernel.MaxSize);
        Assert.False(b.Caps.Has(CpuCap.Avx));
    }

    [Fact]
    public void ClearcpuidFxsr_On64Bit_KeepsFxsave_ButNotXsave()
    {
        // FXSR is in REQUIRED_MASK0 on 64-bit: constant boot_cpu_has() tests still see it (fxregs_state, 512 bytes);
        // the closure still clears XSAVE (XSAVE depends on FXSR).
        var b64 = Spr(KernelConfig.Default with { ClearCpuid = CpuidFlags.Fxsr });
        Assert.False(b64.XsaveEnabled);
        Assert.Equal(512u, b64.Kernel.MaxSize);
        Assert.Equal(XfeatureMasks.FpSse, b64.User.LegacyFeatures);
        // A 32-bit kernel requires neither: FSAVE's 112-byte fregs_state, x87 only.
        var b32 = Spr(KernelConfig.Default with { ClearCpuid = CpuidFlags.Fxsr, Is64Bit = false });
        Assert.Equal(112u, b32.Kernel.MaxSize);
        Assert.Equal(FeatureMask.Of(XFeature.Fp), b32.User.LegacyFeatures);
    }

    [Fact]
    public void ClearcpuidSse_WithAvx_WritesYmmWithoutSse_AndTheBootDies()
    {
        // xsave_cpuid_features[XFEATURE_SSE] = X86_FEATURE_XMM is looked up with a variable: the bitmap bit, cleared.
        var b = Spr(KernelConfig.Default with { ClearCpuid = CpuidFlags.Sse });
        Assert.Equal(0x602e5UL, b.Xcr0.Bits);
        Assert.Equal(BootSummary.XsetbvFailure(new FeatureMask(0x602e5)), b.Failure);
    }

    [Fact]
    public void AmxWithoutXfd_KeepsTilecfgWithoutTiledata_AndTheBootDies()
    {
        var b = Boot(SprWithoutXfd(), KernelConfig.Default);
        // 0x602e7 minus XTILE_DATA (USER_DYNAMIC dropped without XFD, R38); XTILE_CFG stays with AMX_TILE.
        Assert.Equal(0x202e7UL, b.Xcr0.Bits);
        Assert.NotNull(b.Failure);
        Assert.False(b.XsaveEnabled);

        var world = new OracleKernel(SprWithoutXfd(), KernelConfig.Default);
        Assert.True(world.Boot.Failed);
        Assert.Equal(BootSummary.FailedAt(new FeatureMask(0x202e7)), world.Boot);
        var snapshot = world.Snapshot()!;
        Assert.Empty(snapshot.Processes);
        Assert.Empty(snapshot.Vcpus);
        Assert.Throws<InvalidOperationException>(() => world.Apply(new ArchPrctlOp(1, Uapi.ArchPrctl.GetXcompSupp, 0x1000)));
    }

    [Fact]
    public void AmxWithoutXfd_BootsWithClearcpuidAmxTile_OrOnA32BitKernel()
    {
        var cleared = Boot(SprWithoutXfd(), KernelConfig.Default with { ClearCpuid = CpuidFlags.AmxTile });
        Assert.Null(cleared.Failure);
        Assert.Equal(0x2e7UL, cleared.Xcr0.Bits);
        // A 32-bit kernel has no XTILE in XFEATURE_MASK_USER_SUPPORTED: both halves go.
        var ia32 = Boot(SprWithoutXfd(), KernelConfig.Default with { Is64Bit = false });
        Assert.Null(ia32.Failure);
        Assert.False(ia32.Xcr0.Overlaps(FeatureMask.Of(XFeature.XtileCfg, XFeature.XtileData)));
    }
}
