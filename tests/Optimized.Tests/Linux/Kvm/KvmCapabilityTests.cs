using static Xsave.Optimized.Tests.Linux.Kvm.KvmHost;

namespace Xsave.Optimized.Tests.Linux.Kvm;

/// <summary>
/// Module-level KVM answers (R73-R76, R88, I17, I18): kvm_caps, KVM_CHECK_EXTENSION and leaf 0xD of
/// KVM_GET_SUPPORTED_CPUID, on the observed host (KO §1a, §3a, §3b) and corpus CPUs.
/// </summary>
public class KvmCapabilityTests
{
    private const ulong KvmSupportedXcr0 = 0x602FF; // R2: FP|SSE|YMM|BNDREGS|BNDCSR|AVX-512|PKRU|XTILE
    private const ulong Cet = 0x1800;

    private static KvmModule Module(CpuModel cpu, KernelConfig? config = null)
    {
        long r = KvmModule.Load(BootTables.Build(cpu, config ?? KernelConfig.Default), KvmModuleParams.Default, out var kvm);
        Assert.Equal(0, r);
        return kvm!;
    }

    private static CpuidRegs Sub(List<CpuidEntry> entries, uint index) => entries.Single(e => e.Index == index).Regs;

    // ---- R73, R74, I18 ----

    [Fact]
    public void Caps_ObservedZen5_SupportedXcr0IsE7_AndCetIsOfferedUpstream()
    {
        // KO §3b: supported_xcr0 = host XCR0 & KVM mask = 0xe7. R73/R74: the host enables CET_U|CET_S in IA32_XSS
        // (XSAVES + SHSTK, KO §0 dmesg) and KVM keeps both; the measured 0 of KO §3f is the PVM module, not upstream.
        var caps = Module(ObservedHost.Zen5()).Caps;
        Assert.Equal(0xE7UL, caps.SupportedXcr0);
        Assert.Equal(Cet, caps.SupportedXss);
        Assert.True(caps.Shstk);
        Assert.False(caps.Ibt);
        Assert.Equal(0xFu, caps.Leaf0D1Eax); // KO §1a 0xD.1 EAX: XSAVEOPT|XSAVEC|XGETBV1|XSAVES, no XFD
    }

    [Theory]
    [InlineData("intel-sapphirerapids-806f8", 0x602E7UL, Cet, 0x1Fu)]
    [InlineData("intel-tigerlake-806c1", 0x2E7UL, Cet, 0xFu)]
    [InlineData("intel-skylake-506e3", 0x1FUL, 0UL, 0xFu)]
    public void Caps_CorpusCpus_SupportedMasksFollowR73R74(string id, ulong xcr0, ulong xss, uint eax1)
    {
        // Corpus leaf 0xD: SPR XCR0 0x602E7 / XSS 0xDD00 (PT, PASID, CET, UINTR, LBR); Tiger Lake 0x2E7 / 0x3900 (PT, CET,
        // HDC); Skylake client 0x1F (MPX) / 0x100 (PT). Only CET survives KVM_SUPPORTED_XSS; PT is deliberately left out.
        var caps = Module(Corpus.Cpu(id)).Caps;
        Assert.Equal(xcr0, caps.SupportedXcr0);
        Assert.Equal(xss, caps.SupportedXss);
        Assert.Equal(eax1, caps.Leaf0D1Eax);
    }

    [Theory]
    [MemberData(nameof(Corpus.CleanIds), MemberType = typeof(Corpus))]
    public void Caps_SupportedXcr0_KeepsEveryBundleWhole_I18(string id)
    {
        var caps = Module(Corpus.Cpu(id)).Caps;
        ulong x = caps.SupportedXcr0;
        Assert.Equal(0UL, x & ~KvmSupportedXcr0);
        if (x != 0) Assert.True((x & 1) != 0, "x87 always");
        Assert.True((x & 0x18) is 0 or 0x18, "MPX whole (H19)");
        Assert.True((x & 0xE0) == 0 || ((x & 0xE0) == 0xE0 && (x & 4) != 0), "AVX-512 whole, with AVX (H19)");
        Assert.True((x & 0x60000) is 0 or 0x60000, "AMX whole");
        Assert.True((caps.SupportedXss & Cet) is 0 or Cet, "CET all or nothing (R74)");
        Assert.Equal(0UL, caps.SupportedXss & ~Cet);
    }

    [Fact]
    public void Caps_WithoutXsaves_NoXss_R74()
    {
        // R38a: AMD family 0x17 runs without XSAVES, so KVM offers no supervisor state even if CPUID enumerated CET.
        var zen2 = ObservedHost.Zen5() with { Family = 0x17 };
        var caps = Module(zen2).Caps;
        Assert.Equal(0UL, caps.SupportedXss);
        Assert.False(caps.Shstk);
        Assert.Equal(0u, caps.Leaf0D1Eax & 8);
    }

    [Fact]
    public void Caps_AllowSmallerMaxphyaddrOrNoTdp_DropsShadowStacks_R74()
    {
        var boot = BootTables.Build(Corpus.Cpu("intel-tigerlake-806c1"), KernelConfig.Default);
        KvmModule.Load(boot, new KvmModuleParams(TdpEnabled: false), out var noTdp);
        Assert.False(noTdp!.Caps.Shstk);
        Assert.True(noTdp.Caps.Ibt);
        Assert.Equal(Cet, noTdp.Caps.SupportedXss); // IBT alone keeps CET state (R74 "neither SHSTK nor IBT")
        KvmModule.Load(boot, new KvmModuleParams(AllowSmallerMaxphyaddr: true), out var small);
        Assert.False(small!.Caps.Shstk || small.Caps.Ibt);
        Assert.Equal(0UL, small.Caps.SupportedXss);
    }

    /// <summary>On a 32-bit kernel: a 64-bit one does not boot without FXSR (REQUIRED_MASK0, verify_cpu).</summary>
    [Fact]
    public void Load_WithoutFxsr_FailsWithEopnotsupp_R73()
    {
        var cpu = ObservedHost.Zen5() with { Flags = ObservedHost.Zen5().Flags with { Fxsr = false } };
        var host = new KvmHost(cpu, KernelConfig.Default with { Is64Bit = false });
        Assert.Equal(EOPNOTSUPP, host.R(new KvmCheckExtensionOp(1, CapXsave)));
        Assert.Equal(EOPNOTSUPP, host.R(new VcpuCreateOp(1)));
        Assert.Empty(host.Kernel.Snapshot()!.Vcpus);
    }

    // ---- R88 ----

    [Fact]
    public void CheckExtension_ObservedZen5_MatchesKo3a()
    {
        var host = new KvmHost(ObservedHost.Zen5());
        Assert.Equal(1, host.R(new KvmCheckExtensionOp(1, CapXsave)));
        Assert.Equal(1, host.R(new KvmCheckExtensionOp(1, CapXcrs)));
        Assert.Equal(4096, host.R(new KvmCheckExtensionOp(1, CapXsave2)));
    }

    [Fact]
    public void CheckExtension_Xsave2_FollowsTheCallersGuestPermission_R88()
    {
        // SPR: without AMX permission the filtered XCR0 is 0x2E7, whose standard size (PKRU ends at 0xA80 + 8) is below
        // 4096; with it, 0x602E7 and corpus sub-leaf 0 ECX = 0x2B00 = 11008.
        var host = new KvmHost(Corpus.Cpu("intel-sapphirerapids-806f8"));
        Assert.Equal(2, host.Do(new ForkOp(1)).Created);
        Assert.Equal(4096, host.R(new KvmCheckExtensionOp(1, CapXsave2)));
        Assert.Equal(0, host.R(new ArchPrctlOp(1, ReqGuestPerm, 18)));
        Assert.Equal(11008, host.R(new KvmCheckExtensionOp(1, CapXsave2)));
        Assert.Equal(4096, host.R(new KvmCheckExtensionOp(2, CapXsave2)));
        Assert.Equal(0, host.R(new KvmCheckExtensionOp(1, 117)));
    }

    [Fact]
    public void CheckExtension_HostWithoutXsave_NoXcrs()
    {
        var host = new KvmHost(ObservedHost.Zen5(), KernelConfig.Default with { NoXsave = true });
        Assert.Equal(1, host.R(new KvmCheckExtensionOp(1, CapXsave)));
        Assert.Equal(0, host.R(new KvmCheckExtensionOp(1, CapXcrs)));
        Assert.Equal(4096, host.R(new KvmCheckExtensionOp(1, CapXsave2)));
    }

    // ---- R75, R76, I17 ----

    [Fact]
    public void SupportedCpuid_ObservedZen5_Leaf0D()
    {
        var entries = Module(ObservedHost.Zen5()).SupportedLeaf0D(guestPerm: 0x18E7);
        Assert.Equal(new uint[] { 0, 1, 2, 5, 6, 7, 11, 12 }, entries.Select(e => e.Index));
        Assert.All(entries, e => Assert.Equal(0xDu, e.Function));
        // KO §3b.
        Assert.Equal(new CpuidRegs(0xE7, 0x980, 0x980, 0), Sub(entries, 0));
        Assert.Equal(new CpuidRegs(0x100, 0x240, 0, 0), Sub(entries, 2));
        Assert.Equal(new CpuidRegs(0x40, 0x340, 0, 0), Sub(entries, 5));
        Assert.Equal(new CpuidRegs(0x200, 0x380, 0, 0), Sub(entries, 6));
        Assert.Equal(new CpuidRegs(0x400, 0x580, 0, 0), Sub(entries, 7));
        // Upstream (KO §3b's zeros are PVM): host 0xD.1 EAX, EBX = compacted size of 0xE7|CET = 0x9A8 (KO §1a host
        // 0xD.1 EBX and the dmesg context size 2472), ECX = CET; CET sub-leaves as the host enumerates them (KO §1a).
        Assert.Equal(new CpuidRegs(0xF, 0x9A8, 0x1800, 0), Sub(entries, 1));
        Assert.Equal(new CpuidRegs(0x10, 0, 1, 0), Sub(entries, 11));
        Assert.Equal(new CpuidRegs(0x18, 0, 1, 0), Sub(entries, 12));
    }

    [Fact]
    public void SupportedCpuid_SapphireRapids_AmxOnlyWithGuestPermission_R75_H10()
    {
        var kvm = Module(Corpus.Cpu("intel-sapphirerapids-806f8"));
        const ulong defaultGuestPerm = 0x21EE7; // guest_default_cfg: 0x202E7 | PASID | CET (R39: no TILEDATA)

        var without = kvm.SupportedLeaf0D(defaultGuestPerm);
        // H10: TILECFG goes with TILEDATA. Standard size of 0x2E7 = PKRU 0xA80 + 8 = 0xA88.
        Assert.Equal(new CpuidRegs(0x2E7, 0xA88, 0xA88, 0), Sub(without, 0));
        // R16: compacted 0x2E7 | CET = 2480.
        Assert.Equal(new CpuidRegs(0x1F, 2480, 0x1800, 0), Sub(without, 1));
        Assert.DoesNotContain(without, e => e.Index is 17 or 18);

        var with = kvm.SupportedLeaf0D(defaultGuestPerm | 1UL << 18);
        Assert.Equal(new CpuidRegs(0x602E7, 0x2B00, 0x2B00, 0), Sub(with, 0)); // corpus sub-leaf 0 EBX/ECX
        // R15/R16: 2560 up to the end of TILECFG, TILEDATA aligned at 2560, + 8192.
        Assert.Equal(new CpuidRegs(0x1F, 2560 + 8192, 0x1800, 0), Sub(with, 1));
        Assert.Equal(new CpuidRegs(0x40, 0xAC0, 2, 0), Sub(with, 17));
        Assert.Equal(new CpuidRegs(0x2000, 0xB00, 6, 0), Sub(with, 18)); // ECX[2] kept: KVM offers XFD
        Assert.DoesNotContain(with, e => e.Index is 8 or 10 or 14 or 15); // PT, PASID, UINTR, LBR: not KVM's
    }

    [Fact]
    public void SupportedCpuid_SkylakeMpx_Leaf0D()
    {
        var entries = Module(Corpus.Cpu("intel-skylake-506e3")).SupportedLeaf0D(0x1F);
        Assert.Equal(new CpuidRegs(0x1F, 0x440, 0x440, 0), Sub(entries, 0)); // corpus sub-leaf 0 (BNDCSR ends at 0x440)
        // R15: compacted 0x1F = 576 + 256 + 64 + 64 = 960 (the corpus 0xD.1 EBX 0x440 includes the host's PT, 128 B,
        // which KVM does not offer).
        Assert.Equal(new CpuidRegs(0xF, 960, 0, 0), Sub(entries, 1));
        Assert.Equal(new uint[] { 0, 1, 2, 3, 4 }, entries.Select(e => e.Index));
    }

    [Theory]
    [MemberData(nameof(Corpus.CleanIds), MemberType = typeof(Corpus))]
    public void SupportedCpuid_SizesAndTileBundle_I17(string id)
    {
        var cpu = Corpus.Cpu(id);
        var kvm = Module(cpu);
        foreach (ulong perm in new[] { 0UL, ~0UL })
        {
            var entries = kvm.SupportedLeaf0D(perm);
            var sub0 = Sub(entries, 0);
            Assert.Equal(sub0.Ebx, sub0.Ecx);
            ulong advertised = (ulong)sub0.Edx << 32 | sub0.Eax;
            Assert.Equal((advertised >> 17 & 1) != 0, (advertised >> 18 & 1) != 0);
            // R14: the standard size is the furthest end of an advertised user component, at least 576.
            uint end = 576;
            foreach (int i in new FeatureMask(advertised).Indices().Where(i => i >= 2))
                end = Math.Max(end, (uint)(cpu.StandardOffset(i) + cpu.ComponentSize(i)));
            Assert.Equal(end, sub0.Ebx);
            // R76: a sub-leaf per advertised component.
            foreach (int i in new FeatureMask(advertised).Indices().Where(i => i >= 2))
                Assert.Contains(entries, e => e.Index == i);
        }
    }
}
