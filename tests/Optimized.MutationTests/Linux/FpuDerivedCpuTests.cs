using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// fpu__init_system's branches that no corpus CPU takes with its own flags and enumeration (SPEC R32-R44): hosts
/// without an FPU, with FSAVE only, with FXSR but no XSAVE, an FXSAVE that reports MXCSR_MASK = 0, and leaf-0xD
/// enumerations a firmware or hypervisor can present (R33 FP/SSE missing, R34 AVX-512 without YMM, R35 APX with MPX, R42
/// a user component flagged supervisor without XSAVES, init_fpstate larger than its buffer). Each CPU is derived from a
/// corpus one; the boot and what <see cref="BootObservation"/> reads back must be the oracle's, and the reason or size
/// the kernel code gives is pinned (fpu__init_system_xstate, fpu__init_system_xstate_size_legacy, xstate.c).
/// </summary>
public class FpuDerivedCpuTests
{
    private static readonly KernelConfig Bits32 = KernelConfig.Default with { Is64Bit = false };

    private static CpuModel Zen1 => Subjects.AllCpus.Single(c => c.Id == "amd-zen-800f11");

    private static CpuModel With(CpuModel cpu, string id, Func<CpuFeatureFlags, CpuFeatureFlags>? flags = null,
        params (int Leaf, CpuidRegs Regs)[] leaves)
    {
        var leaf = cpu.Leaf0D.ToDictionary();
        foreach (var (i, regs) in leaves) leaf[i] = regs;
        return cpu with { Id = id, Leaf0D = leaf, Flags = flags is null ? cpu.Flags : flags(cpu.Flags) };
    }

    private static CpuModel NoFpu => With(Zen1, "zen1-no-fpu", f => f with { Fpu = false, Fxsr = false, Xmm = false, Xsave = false, Avx = false });
    private static CpuModel FsaveOnly => With(Zen1, "zen1-fsave-only", f => f with { Fxsr = false, Xmm = false, Xsave = false, Avx = false });
    private static CpuModel FxsrOnly => With(Zen1, "zen1-fxsr-only", f => f with { Xsave = false, Avx = false });

    /// <summary>R43: no FPU (math emulation): sizeof(struct swregs_state), 124 bytes on a 32-bit kernel.</summary>
    [Fact]
    public void NoFpu32_MathEmulationSizes()
    {
        var boot = BootObservation.Observe(NoFpu, Bits32);
        Assert.False(boot.Xsave);
        Assert.Equal("no FPU (math emulation)", boot.DisabledReason);
        Assert.Equal(124u, boot.Kernel.MaxSize);
        Assert.Equal(124u, boot.User.DefaultSize);
        Assert.Equal(0UL, boot.User.MaxFeatures.Bits);
    }

    /// <summary>
    /// A 64-bit kernel on a CPU without FPU (or FXSR, or SSE) does not boot: they are REQUIRED_MASK0 bits of x86-64
    /// (Kconfig.cpufeatures X86_REQUIRED_FEATURE_FPU/FXSR/XMM depend on X86_64 or !MATH_EMULATION), verify_cpu refuses
    /// the CPU, and fpu__init_system_early_generic would halt without an FPU ("Giving up, no FPU found and no math
    /// emulation present"). Both models used to boot it and then throw on the first signal (136-byte swregs buffer).
    /// </summary>
    [Theory]
    [InlineData("fpu fxsr sse")]
    [InlineData("fxsr sse")]
    public void WithoutTheX8664Baseline_The64BitBootFails(string missing)
    {
        var cpu = missing.StartsWith("fpu") ? NoFpu : FsaveOnly;
        var w = Properties.Tests.Differential.Kernels(cpu, KernelConfig.Default);
        Assert.True(w.Boot.Failed);
        Assert.Contains($"not present on the CPU: {missing} ", w.Boot.Failure);
        Assert.Equal(0UL, w.Boot.Xcr0.Bits);
    }

    /// <summary>R43: FPU without FXSR: FNSAVE's 112-byte fregs_state, user.legacy_features = FP.</summary>
    [Fact]
    public void FsaveOnly32_FregsSizes()
    {
        var boot = BootObservation.Observe(FsaveOnly, Bits32);
        Assert.Equal("CPU has no XSAVE", boot.DisabledReason);
        Assert.Equal(112u, boot.Kernel.MaxSize);
        Assert.Equal(112u, boot.GuestSize);
    }

    /// <summary>R43: FXSR but no XSAVE: the 512-byte FXSAVE image; on 32-bit and 64-bit builds.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FxsrOnly_FxregsSizes(bool is64)
    {
        var boot = BootObservation.Observe(FxsrOnly, KernelConfig.Default with { Is64Bit = is64 });
        Assert.Equal("CPU has no XSAVE", boot.DisabledReason);
        Assert.Equal(512u, boot.User.MaxSize);
    }

    /// <summary>clearcpuid=fpu on a 32-bit kernel (no REQUIRED_MASK there): the FPU goes, and with it FXSR and XSAVE.</summary>
    [Fact]
    public void ClearcpuidFpu32_MathEmulation()
    {
        var boot = BootObservation.Observe(Zen1, Bits32 with { ClearCpuid = CpuidFlags.Fpu });
        Assert.Equal("no FPU (math emulation)", boot.DisabledReason);
        Assert.Equal(124u, boot.Kernel.MaxSize);
    }

    /// <summary>clearcpuid=fxsr on a 32-bit kernel: FSAVE is what is left (R43 112 bytes; XSAVE went with FXSR).</summary>
    [Fact]
    public void ClearcpuidFxsr32_Fsave()
    {
        var boot = BootObservation.Observe(Zen1, Bits32 with { ClearCpuid = CpuidFlags.Fxsr });
        Assert.Equal("XSAVE disabled by clearcpuid=", boot.DisabledReason);
        Assert.Equal(112u, boot.Kernel.MaxSize);
    }

    /// <summary>
    /// fpu__init_system_mxcsr: an FXSAVE that reports MXCSR_MASK = 0 means 0xFFBF (DAZ not supported); a ptrace write of
    /// MXCSR with DAZ (bit 6) is then -EINVAL (R69), and init_fpstate carries the 0 FXSAVE stored (R54).
    /// </summary>
    [Fact]
    public void MxcsrMaskZero_DazRefused()
    {
        var cpu = Zen1 with { Id = "zen1-mxcsr-mask-0", MxcsrMask = 0 };
        BootObservation.Observe(cpu, KernelConfig.Default);
        var w = Properties.Tests.Differential.Kernels(cpu, KernelConfig.Default);
        int full = (int)w.Boot.User.MaxSize;
        Assert.Equal(-22, w.Do(new PtraceSetXstateOp(1, 0, UabiImages.Image(full, 0x3, mxcsr: 0x1FC0))).Result);
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, UabiImages.Image(full, 0x3, mxcsr: 0x1F80))).Result);
    }

    /// <summary>R33: x87 and SSE not both XSAVE-managed: XSAVE disabled with the kernel's reason; legacy FXSAVE sizes.</summary>
    [Fact]
    public void FpSseNotEnumerated_Disabled()
    {
        var zen1 = Zen1;
        var cpu = With(zen1, "zen1-no-sse-state", null, (0, zen1.SubLeaf(0) with { Eax = 0x5 }));
        var boot = BootObservation.Observe(cpu, KernelConfig.Default);
        Assert.False(boot.Xsave);
        Assert.Equal("FP/SSE not present amongst the CPU's xstate features", boot.DisabledReason);
        Assert.Equal(512u, boot.Kernel.MaxSize);
        // X86_FEATURE_XCOMPACTED is forced only after R39, which this boot does not reach.
        Assert.False(boot.Compacted);
    }

    /// <summary>
    /// R34: AVX-512 state enumerated without YMM: the AVX cap goes (and AVX512F through cpuid-deps), so R37 drops the
    /// AVX-512 components too and XCR0 stays valid; without R34 XCR0 would name AVX-512 without YMM.
    /// </summary>
    [Fact]
    public void Avx512WithoutYmm_AvxCapsCleared()
    {
        var zen5 = ObservedHost.Zen5();
        var cpu = With(zen5, "zen5-no-ymm", null, (0, zen5.SubLeaf(0) with { Eax = 0xe3 }));
        var boot = BootObservation.Observe(cpu, KernelConfig.Default);
        Assert.True(boot.Xsave);
        Assert.Equal(0x3UL, boot.Xcr0.Bits);
    }

    /// <summary>R34 for AVX-512 alone: YMM enumerated, Hi16_ZMM not: AVX512F goes, AVX stays.</summary>
    [Fact]
    public void Avx512Incomplete_Avx512CapCleared()
    {
        var zen5 = ObservedHost.Zen5();
        var cpu = With(zen5, "zen5-no-hi16zmm", null, (0, zen5.SubLeaf(0) with { Eax = 0x67 }));
        var boot = BootObservation.Observe(cpu, KernelConfig.Default);
        Assert.Equal(0x7UL, boot.Xcr0.Bits);
    }

    private static CpuModel SkylakeWithApx(bool mpx)
    {
        var sky = Subjects.AllCpus.Single(c => c.Id == "intel-skylake-506e3");
        var leaf0 = sky.SubLeaf(0);
        uint eax = (mpx ? leaf0.Eax : leaf0.Eax & ~0x18u) | 1u << 19;
        // APX: 128 bytes at standard offset 960, the MPX region (H21).
        return With(sky, mpx ? "skylake-apx-mpx" : "skylake-apx", f => f with { Apx = true, Mpx = mpx },
            (0, leaf0 with { Eax = eax, Ebx = 1088, Ecx = 1088 }), (19, new CpuidRegs(128, 960, 0, 0)));
    }

    /// <summary>R35 (H21): APX and MPX both enumerated: XSAVE disabled with the kernel's reason.</summary>
    [Fact]
    public void ApxWithMpx_Disabled()
    {
        var boot = BootObservation.Observe(SkylakeWithApx(mpx: true), KernelConfig.Default);
        Assert.False(boot.Xsave);
        Assert.Equal("Both APX/MPX present in the CPU's xstate features", boot.DisabledReason);
    }

    /// <summary>R37: APX alone is kept (mapped to X86_FEATURE_APX) on a 64-bit kernel.</summary>
    [Fact]
    public void ApxAlone_Kept()
    {
        var boot = BootObservation.Observe(SkylakeWithApx(mpx: false), KernelConfig.Default);
        Assert.True(boot.Xsave);
        Assert.Equal(0x80007UL, boot.Xcr0.Bits);
    }

    /// <summary>
    /// R42 compares init_fpstate's size with its buffer with "&gt;": Zen 5 with Hi16_ZMM enumerated at 2672 bytes makes
    /// kernel.default_size 576+256+64+512+2672+16 = 4096 exactly, which fits: XSAVE stays enabled.
    /// </summary>
    [Fact]
    public void InitFpstateExactlyPageSize_Fits()
    {
        var zen5 = ObservedHost.Zen5();
        var cpu = With(zen5, "zen5-hi16zmm-2672", null, (7, zen5.SubLeaf(7) with { Eax = 2672 }),
            (0, zen5.SubLeaf(0) with { Ebx = 0x580 + 2672, Ecx = 0x580 + 2672 }));
        var boot = BootObservation.Observe(cpu, KernelConfig.Default);
        Assert.True(boot.Xsave);
        Assert.Equal(4096u, boot.Kernel.DefaultSize);
    }

    /// <summary>
    /// R38a: erratum_1386_microcode[] names family 17h model 01h stepping 2 only; stepping 1 of that model is not in the
    /// table, so x86_match_min_microcode_rev fails and XSAVES is cleared whatever the revision.
    /// </summary>
    [Theory]
    [InlineData(1, 0x0800126eu, true)]
    [InlineData(2, 0x0800126eu, false)]
    public void Erratum1386_MatchesTheStepping(int stepping, uint revision, bool affected)
    {
        var cpu = Zen1 with { Id = "zen1-stepping", Model = 1, Stepping = stepping, MicrocodeRevision = revision };
        BootObservation.Observe(cpu, KernelConfig.Default);
        Assert.Equal(!affected, BootTables.Build(cpu, KernelConfig.Default).Has(CpuCaps.Xsaves));
    }

    /// <summary>
    /// APX where the architecture puts it on CPUs without MPX: 128 bytes at standard offset 960, below AVX-512's
    /// components (Sapphire Rapids' enumeration plus leaf 0xD.19). xfeature_uncompact_order then differs from the bit
    /// order, and the ptrace regset must still place every component at its standard offset (R70, R71).
    /// </summary>
    [Fact]
    public void ApxBelowAvx512_RegsetInOffsetOrder()
    {
        var spr = Subjects.AllCpus.Single(c => c.Id == Corpus.SapphireRapids);
        var leaf0 = spr.SubLeaf(0);
        var cpu = With(spr, "spr-apx", f => f with { Apx = true },
            (0, leaf0 with { Eax = leaf0.Eax | 1u << 19 }), (19, new CpuidRegs(128, 960, 0, 0)));
        var boot = BootObservation.Observe(cpu, KernelConfig.Default);
        Assert.True(boot.Xsave);
        Assert.Equal(0xe02e7UL, boot.User.MaxFeatures.Bits);
        var w = Properties.Tests.Differential.Kernels(cpu, KernelConfig.Default);
        int full = (int)boot.User.MaxSize;
        var image = UabiImages.Image(full, 0x802e7);
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, image)).Result);
        var got = w.Do(new PtraceGetXstateOp(1, 0, full)).Data!;
        Assert.Equal(image.AsSpan(960, 128).ToArray(), got.AsSpan(960, 128).ToArray());
        Assert.Equal(image.AsSpan(1088, 64).ToArray(), got.AsSpan(1088, 64).ToArray());
    }

    /// <summary>
    /// R42: a user component the CPU flags as supervisor (leaf 0xD.2 ECX[0]) without XSAVES (erratum 1386 on Zen 1):
    /// "Got supervisor feature 2, but XSAVES not advertised", XSAVE disabled; with XSAVES kept the check is not made.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SupervisorFlaggedYmm_WithoutXsaves_Disabled(bool erratum)
    {
        var zen1 = Zen1;
        var cpu = With(zen1, "zen1-ymm-supervisor", null, (2, zen1.SubLeaf(2) with { Ecx = 1 }));
        var boot = BootObservation.Observe(cpu, KernelConfig.Default with { AmdZenXsavesErratum = erratum });
        Assert.Equal(erratum ? "Got supervisor feature 2, but XSAVES not advertised" : null, boot.DisabledReason);
        Assert.Equal(!erratum, boot.Xsave);
    }

    /// <summary>
    /// R42: init_fpstate must fit its PAGE_SIZE buffer: Zen 5 with a Hi16_ZMM enumerated at 3072 bytes (a struct size
    /// mismatch only warns) makes kernel.default_size 576+256+64+512+3072+16 = 4496 &gt; 4096: XSAVE disabled.
    /// </summary>
    [Fact]
    public void InitFpstateTooLarge_Disabled()
    {
        var zen5 = ObservedHost.Zen5();
        var cpu = With(zen5, "zen5-big-hi16zmm", null, (7, zen5.SubLeaf(7) with { Eax = 3072 }),
            (0, zen5.SubLeaf(0) with { Ebx = 0x580 + 3072, Ecx = 0x580 + 3072 }));
        var boot = BootObservation.Observe(cpu, KernelConfig.Default);
        Assert.False(boot.Xsave);
        Assert.Equal("init_fpstate buffer too small (4096 < 4496)", boot.DisabledReason);
    }
}
