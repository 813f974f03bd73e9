namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>
/// KVM capabilities (R73-R76, R88) and the invariants I16-I18 on every corpus profile. On the KO host the /dev/kvm
/// provider is PVM (KO §0), so only the rows KO marks upstream are expected from KO; the rest comes from SPEC text:
/// host XSS = kernel.max &amp; SUPERVISOR_SUPPORTED = 0x1800 there (KO §0 dmesg: CET_U and CET_S enabled).
/// </summary>
public class KvmCapabilityTests
{
    [Fact]
    public void Load_KoHost_SupportedXcr0IsHostXcr0_AndCetXss()
    {
        var kvm = LoadKvm(Zen5Boot());
        Assert.Equal(0xE7UL, kvm.Caps.SupportedXcr0.Bits);   // KO §3b 0xD.0 EAX = supported_xcr0
        Assert.Equal(0x1800UL, kvm.Caps.SupportedXss.Bits);  // R73: 0x1800 & KVM_SUPPORTED_XSS; R74 both CET bits
        Assert.True(kvm.Caps.Shstk);
    }

    [Fact]
    public void Load_SapphireRapids_SupportedMasks()
    {
        var kvm = LoadKvm(SprBoot());
        Assert.Equal(0x602E7UL, kvm.Caps.SupportedXcr0.Bits); // SPEC R1: SPR XCR0 0x602E7, all in KVM_SUPPORTED_XCR0
        Assert.Equal(0x1800UL, kvm.Caps.SupportedXss.Bits);   // XSS-supported 0xDD00 & KVM_SUPPORTED_XSS
        Assert.Equal(0x602E7UL, kvm.XcompGuestSupp.Bits);     // R75: KVM_X86_XCOMP_GUEST_SUPP is unfiltered
    }

    /// <summary>On a 32-bit kernel: a 64-bit one does not boot without FXSR (REQUIRED_MASK0, verify_cpu).</summary>
    [Fact]
    public void Load_Eopnotsupp_WithoutFxsr()
    {
        var cpu = Zen5Ko() with { Flags = Zen5Ko().Flags with { Fxsr = false } };
        Fails(Errno.EOPNOTSUPP, KvmModule.Load(FpuBoot.Run(cpu, KernelConfig.Default with { Is64Bit = false })).Result);
    }

    [Fact]
    public void Load_CetIsAllOrNothing_WhenCetKernelIsNotEnumerated()
    {
        // The KO host without sub-leaf 12: only CET_U reaches the host XSS, so R74 drops CET entirely.
        var d = new Dictionary<int, CpuidRegs>(Zen5Ko().Leaf0D) { [1] = new(0xF, 0x9A8, 0x800, 0) };
        d.Remove(12);
        var kvm = LoadKvm(Boot(Zen5Ko() with { Leaf0D = d }));
        Assert.Equal(0UL, kvm.Caps.SupportedXss.Bits);
        Assert.False(kvm.Caps.Shstk);
        Assert.False(kvm.Caps.Ibt);
    }

    [Fact]
    public void Load_NoCetXss_WithoutTdp_WhenIbtIsAbsentToo()
    {
        var kvm = KvmModule.Load(Zen5Boot(), new KvmModuleParams { TdpEnabled = false }).Module!;
        Assert.False(kvm.Caps.Shstk);
        Assert.Equal(0UL, kvm.Caps.SupportedXss.Bits);
    }

    [Fact]
    public void CheckExtension_KoHost_Ko3a()
    {
        var kvm = LoadKvm(Zen5Boot());
        var process = LinuxProcess.Start(kvm.Boot);
        Assert.Equal(1, KvmCapabilities.CheckExtension(kvm, KvmCap.Xsave, process));
        Assert.Equal(1, KvmCapabilities.CheckExtension(kvm, KvmCap.Xcrs, process));
        Assert.Equal(4096, KvmCapabilities.CheckExtension(kvm, KvmCap.Xsave2, process));
    }

    [Fact]
    public void CheckExtension_Xsave2_SapphireRapids_GrowsWithGuestPermission()
    {
        var kvm = LoadKvm(SprBoot());
        var process = LinuxProcess.Start(kvm.Boot);
        Assert.Equal(4096, KvmCapabilities.CheckExtension(kvm, KvmCap.Xsave2, process));
        Ok(process.ArchPrctl(ArchPrctlOptions.ReqXcompGuestPerm, ArchPrctlOptions.XcompTileData));
        Assert.Equal(11008, KvmCapabilities.CheckExtension(kvm, KvmCap.Xsave2, process)); // SPR 0xD.0 ECX = 0x2B00
    }

    /// <summary>H10: without the TILEDATA permission, TILECFG is filtered out too (KvmCapabilities.FilteredXcr0, the
    /// "permitted.Without(XFeature.XtileCfg)" line; the review bug "&amp;= XTILE_CFG" would keep only TILECFG).</summary>
    [Fact]
    public void FilteredXcr0_DropsTileCfgWithoutTileDataPermission_H10()
    {
        var kvm = LoadKvm(SprBoot());
        var process = LinuxProcess.Start(kvm.Boot);
        Assert.Equal(0x2E7UL, KvmCapabilities.FilteredXcr0(kvm, process).Bits);
        Ok(process.ArchPrctl(ArchPrctlOptions.ReqXcompGuestPerm, ArchPrctlOptions.XcompTileData));
        Assert.Equal(0x602E7UL, KvmCapabilities.FilteredXcr0(kvm, process).Bits);
    }

    [Fact]
    public void SupportedLeaf0D_KoHost_MatchesHostLeaves()
    {
        var kvm = LoadKvm(Zen5Boot());
        var entries = KvmCpuid.SupportedLeaf0D(kvm, LinuxProcess.Start(kvm.Boot));
        var expected = new[]
        {
            KvmCpuidEntry2.Leaf0D(0, 0xE7, 0x980, 0x980, 0),   // KO §3b (upstream row)
            KvmCpuidEntry2.Leaf0D(1, 0xF, 0x9A8, 0x1800, 0),   // R76 with supported_xss 0x1800: KO §1a 0xD.1 (XCR0|XSS = 0x18e7)
            KvmCpuidEntry2.Leaf0D(2, 0x100, 0x240, 0, 0),      // KO §3b "same as host"
            KvmCpuidEntry2.Leaf0D(5, 0x40, 0x340, 0, 0),
            KvmCpuidEntry2.Leaf0D(6, 0x200, 0x380, 0, 0),
            KvmCpuidEntry2.Leaf0D(7, 0x400, 0x580, 0, 0),
            KvmCpuidEntry2.Leaf0D(11, 0x10, 0, 1, 0),          // KO §1a supervisor sub-leaves
            KvmCpuidEntry2.Leaf0D(12, 0x18, 0, 1, 0),
        };
        Assert.Equal(expected, entries);
    }

    [Fact]
    public void SupportedLeaf0D_SapphireRapids_BeforeAndAfterGuestPermission_H13()
    {
        var kvm = LoadKvm(SprBoot());
        var process = LinuxProcess.Start(kvm.Boot);
        var before = KvmCpuid.SupportedLeaf0D(kvm, process);
        // PKRU ends the standard area without AMX: offset 0xA80 + 8 (corpus sub-leaf 9).
        Assert.Equal(KvmCpuidEntry2.Leaf0D(0, 0x2E7, 0xA88, 0xA88, 0), before[0]);
        // R16 worked example: XCR0 0x2E7 with CET_U|CET_S compacts to 2480.
        Assert.Equal(KvmCpuidEntry2.Leaf0D(1, 0x1F, 2480, 0x1800, 0), before[1]);
        Assert.DoesNotContain(before, e => e.Index is 17 or 18);

        Ok(process.ArchPrctl(ArchPrctlOptions.ReqXcompGuestPerm, ArchPrctlOptions.XcompTileData));
        var after = KvmCpuid.SupportedLeaf0D(kvm, process);
        Assert.Equal(KvmCpuidEntry2.Leaf0D(0, 0x602E7, 0x2B00, 0x2B00, 0), after[0]);
        // R16: ...2480, TILECFG aligned to 2496, +64 = 2560, TILEDATA +8192 = 10752. H13: without the ECX[1] alignment
        // KVM's xstate_required_size said 2480 + 64 + 8192 = 10736, too small for the guest's XSAVES.
        Assert.Equal(KvmCpuidEntry2.Leaf0D(1, 0x1F, 10752, 0x1800, 0), after[1]);
        Assert.Contains(KvmCpuidEntry2.Leaf0D(17, 0x40, 0xAC0, 2, 0), after);
        Assert.Contains(KvmCpuidEntry2.Leaf0D(18, 0x2000, 0xB00, 6, 0), after); // XFD flag kept: KVM has XFD
    }

    private static bool XsaveBoots(string id, out BootResult boot)
    {
        boot = Boot(Corpus.Cpu(id));
        return boot.XsaveEnabled;
    }

    /// <summary>I18 (H19): supported_xcr0 never holds half a bundle; supported_xss has both CET bits or neither.</summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void SupportedXcr0_SatisfiesEveryPairing_I18_H19(string id)
    {
        if (!XsaveBoots(id, out var boot)) return;
        var kvm = LoadKvm(boot);
        var supported = kvm.Caps.SupportedXcr0;
        Assert.True(Xcr0Rules.Check(supported, supported).Valid, $"{id}: {supported}");
        var cet = kvm.Caps.SupportedXss & ArchMasks.Cet;
        Assert.True(cet.IsEmpty || cet == ArchMasks.Cet, $"{id}: {kvm.Caps.SupportedXss}");
    }

    /// <summary>I17: KVM's sizes equal the architecture oracle's layouts; TILECFG advertised iff TILEDATA.</summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void SupportedLeaf0D_SizesMatchLayouts_I17(string id)
    {
        if (!XsaveBoots(id, out var boot)) return;
        var kvm = LoadKvm(boot);
        foreach (bool perm in new[] { false, true })
        {
            var process = LinuxProcess.Start(boot);
            if (perm) process.ArchPrctl(ArchPrctlOptions.ReqXcompGuestPerm, ArchPrctlOptions.XcompTileData);
            var entries = KvmCpuid.SupportedLeaf0D(kvm, process);
            var p = FeatureMask.FromHalves(entries[0].Eax, entries[0].Edx);
            Assert.Equal(p, KvmCapabilities.FilteredXcr0(kvm, process) & boot.Cpu.SupportedXcr0);
            Assert.Equal((uint)StandardLayout.Size(boot.Cpu, p), entries[0].Ebx);
            Assert.Equal(entries[0].Ebx, entries[0].Ecx);
            Assert.Equal(p.Contains(XFeature.XtileCfg), p.Contains(XFeature.XtileData));
            if (entries.Count > 1 && (entries[1].Eax & 0xA) != 0)
                Assert.Equal((uint)CompactedLayout.Size(boot.Cpu, p | kvm.Caps.SupportedXss), entries[1].Ebx);
        }
    }

    /// <summary>I16: CAP_XSAVE2 = max(4096, standard size of the filtered XCR0); uabi_size never exceeds it; GET_XSAVE
    /// fails exactly when uabi_size > 4096; GET_XSAVE2 returns uabi_size bytes.</summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void XsaveSizes_I16(string id)
    {
        if (!XsaveBoots(id, out var boot)) return;
        var kvm = LoadKvm(boot);
        var process = LinuxProcess.Start(boot);
        process.ArchPrctl(ArchPrctlOptions.ReqXcompGuestPerm, ArchPrctlOptions.XcompTileData);
        long cap = KvmCapabilities.CheckExtension(kvm, KvmCap.Xsave2, process);
        var filtered = KvmCapabilities.FilteredXcr0(kvm, process);
        Assert.Equal(Math.Max(4096, StandardLayout.Size(boot.Cpu, filtered)), cap);

        var vcpu = Vcpu.Create(kvm, process).Vcpu!;
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        uint uabi = vcpu.Fpu.GuestFpu.UabiSize;
        Assert.True(uabi >= 4096);
        Assert.True(uabi <= cap, $"{id}: uabi_size {uabi} > CAP_XSAVE2 {cap}");
        Assert.Equal(uabi > 4096, vcpu.GetXsave().Result.IsError);
        Assert.Equal((int)uabi, vcpu.GetXsave2().Value.Length);
    }
}
