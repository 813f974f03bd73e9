namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>
/// R82-R84: IA32_XSS, IA32_XFD/XFD_ERR and the XSTATE-managed CET MSRs. KVM_SET_MSRS returns the number of MSRs
/// written. Expected values from SPEC R82-R84 (KO §3f could not exercise XSS: PVM reports no supported XSS).
/// </summary>
public class KvmMsrTests
{
    /// <summary>Guest CPUID with XSAVE, XSAVES (0xD.1 EAX[3]) and the CET XSS bits, as KVM supports them on the KO host.</summary>
    private static Vcpu XsavesGuest(bool shstk = false)
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process, shstk: shstk)));
        Assert.True(vcpu.Cpuid.GuestHasXsaves);
        return vcpu;
    }

    [Fact]
    public void Xss_WithoutGuestXsaves_GuestGetsGp_HostMayWriteOnlyZero_R82()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Assert.Equal(GuestOutcome.InjectedGp, vcpu.Msrs.GuestWrmsr(MsrIndex.Ia32Xss, 0));
        Assert.Equal(GuestOutcome.InjectedGp, vcpu.Msrs.GuestRdmsr(MsrIndex.Ia32Xss).Outcome);
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32Xss, 0)).Value);      // advertised (supported_xss != 0): writing 0 is fine
        Assert.Equal(0, vcpu.SetMsrs((MsrIndex.Ia32Xss, 0x800)).Value);
        var read = vcpu.GetMsrs(MsrIndex.Ia32Xss);
        Assert.Equal(1, read.Result.Value);
        Assert.Equal(0UL, read.Value[0]);
    }

    [Fact]
    public void Xss_WithGuestXsaves_AcceptsGuestSupportedBitsOnly_R82()
    {
        var vcpu = XsavesGuest();
        Assert.Equal(0x1800UL, vcpu.Cpuid.GuestSupportedXss.Bits);
        Assert.Equal(0, vcpu.SetMsrs((MsrIndex.Ia32Xss, 0x100)).Value);   // PT: never
        Assert.Equal(0, vcpu.SetMsrs((MsrIndex.Ia32Xss, 0x1)).Value);     // a user bit
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32Xss, 0x1800)).Value);
        Assert.Equal(0x1800UL, vcpu.GetMsrs(MsrIndex.Ia32Xss).Value[0]);
        Assert.Equal(GuestOutcome.Completed, vcpu.Msrs.GuestWrmsr(MsrIndex.Ia32Xss, 0x800));
        Assert.Equal(GuestOutcome.InjectedGp, vcpu.Msrs.GuestWrmsr(MsrIndex.Ia32Xss, 0x8000));
        Assert.Equal(0x800UL, vcpu.Msrs.GuestRdmsr(MsrIndex.Ia32Xss).Value);
    }

    /// <summary>R77: 0xD.1 EBX = compacted size of XCR0 | XSS. KO §1a: 0xe7 | 0x1800 compacts to 0x9a8.</summary>
    [Fact]
    public void Xss_ChangesGuestCompactedSize_R77()
    {
        var vcpu = XsavesGuest();
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, 0xE7))));
        Assert.Equal(0x980u, VcpuCpuid.Find(vcpu.GetCpuid2().Value, 0xD, 1)!.Ebx);
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32Xss, 0x1800)).Value);
        Assert.Equal(0x9A8u, VcpuCpuid.Find(vcpu.GetCpuid2().Value, 0xD, 1)!.Ebx);
    }

    [Fact]
    public void Xfd_OnlyDynamicGuestFeatures_GuestNeedsXfdCpuid_R83()
    {
        var (kvm, process, vcpu) = NewVcpu(SprBoot(), amxGuestPerm: true);
        // Guest CPUID with AMX but without XFD in 0xD.1 EAX.
        Ok(vcpu.SetCpuid2(Leaf0DCpuid(0x602E7, eax1: 0xF)));
        Assert.Equal(GuestOutcome.InjectedGp, vcpu.Msrs.GuestWrmsr(MsrIndex.Ia32Xfd, 1UL << 18));
        Assert.Equal(GuestOutcome.InjectedGp, vcpu.Msrs.GuestRdmsr(MsrIndex.Ia32Xfd).Outcome);
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32Xfd, 1UL << 18)).Value);   // host-initiated: allowed
        Assert.Equal(1UL << 18, vcpu.Fpu.Fpstate.Xfd.Bits);
        Assert.Equal(0, vcpu.SetMsrs((MsrIndex.Ia32Xfd, 1UL << 17)).Value);   // TILECFG is not dynamic
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32XfdErr, 1UL << 18)).Value);
        Assert.Equal(1UL << 18, vcpu.Fpu.GuestFpu.XfdErr);
        Assert.Equal(0, vcpu.SetMsrs((MsrIndex.Ia32XfdErr, 1UL << 9)).Value);

        Ok(vcpu.SetCpuid2(Leaf0DCpuid(0x602E7, eax1: 0x1F)));
        Assert.Equal(GuestOutcome.Completed, vcpu.Msrs.GuestWrmsr(MsrIndex.Ia32Xfd, 0));
        Assert.Equal(0UL, vcpu.Msrs.GuestRdmsr(MsrIndex.Ia32Xfd).Value);
    }

    [Fact]
    public void Xfd_Refused_WhenGuestCpuidLacksAmx()
    {
        var (_, _, vcpu) = NewVcpu(SprBoot(), amxGuestPerm: true);
        Ok(vcpu.SetCpuid2(Leaf0DCpuid(0x2E7, eax1: 0x1F)));
        Assert.Equal(0, vcpu.SetMsrs((MsrIndex.Ia32Xfd, 1UL << 18)).Value);
    }

    /// <summary>R84: PL0_SSP lives in CET_KERNEL (offset 0 of component 12); KVM loads the guest FPU around the access.</summary>
    [Fact]
    public void CetSsp_IsXstateManaged_AndLoadedAroundTheAccess_R84()
    {
        var vcpu = XsavesGuest(shstk: true);
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32Pl0Ssp, 0x7FFF_F000)).Value);
        Assert.False(vcpu.Fpu.Fpstate.InUse);
        Assert.Empty(vcpu.Vm.Bugs);
        Assert.True(new FeatureMask(vcpu.Fpu.Fpstate.XstateBv).Contains(XFeature.CetKernel));
        Assert.Equal(0x7FFF_F000UL, vcpu.GetMsrs(MsrIndex.Ia32Pl0Ssp).Value[0]);

        Assert.Equal(0, vcpu.SetMsrs((MsrIndex.Ia32Pl3Ssp, 0x1001)).Value);          // not 4-byte aligned
        Assert.Equal(0, vcpu.SetMsrs((MsrIndex.Ia32Pl3Ssp, 0x0000_8000_0000_0000)).Value); // not canonical
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32Pl3Ssp, 0x1000)).Value);
        Assert.True(new FeatureMask(vcpu.Fpu.Fpstate.XstateBv).Contains(XFeature.CetUser));
    }

    [Fact]
    public void CetMsrs_WithoutGuestShstk_OnlyZeroFromHost_R84()
    {
        var vcpu = XsavesGuest(shstk: false);
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32Pl0Ssp, 0)).Value);
        Assert.Equal(0, vcpu.SetMsrs((MsrIndex.Ia32Pl0Ssp, 0x1000)).Value);
        Assert.Equal(GuestOutcome.InjectedGp, vcpu.Msrs.GuestWrmsr(MsrIndex.Ia32UCet, 0));
        Assert.False(new FeatureMask(vcpu.Fpu.Fpstate.XstateBv).Contains(XFeature.CetKernel));
    }

    [Fact]
    public void SCet_IsNotXstateManaged_R84()
    {
        var vcpu = XsavesGuest(shstk: true);
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32SCet, 0x1)).Value); // SHSTK_EN
        Assert.Equal(0x1UL, vcpu.Msrs.SCet);
        Assert.Equal(0UL, vcpu.Fpu.Fpstate.XstateBv & (1UL << 11 | 1UL << 12));
    }
}
