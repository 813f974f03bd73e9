namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>
/// RESET (R90) and INIT (R91), invariant I19 and the bugs H7, H8, H9. INIT zeroes MPX and CET state only (SPEC R29,
/// R91; KO §4c: everything else kept). MPX host: intel-skylakexeon-50654 (XCR0 0x2FF, BNDREGS per its sub-leaf 3).
/// </summary>
public class KvmResetTests
{
    private const string MpxHost = "intel-skylakexeon-50654";

    /// <summary>I19, H9 (R90): RESET leaves the zero-allocated buffer alone: zero except XCOMP_BV and the FCW/MXCSR
    /// defaults; XCR0 = 1, XSS = 0, PKRU = 0; the clearing loop never ran (VcpuReset.XstateReset's "if (!initEvent) return").</summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void Reset_BufferAsAllocated_Xcr0One_I19_H9(string id)
    {
        var boot = Boot(Corpus.Cpu(id));
        var (_, _, vcpu) = NewVcpu(boot);
        Assert.Equal(0x1UL, vcpu.Xcrs.Xcr0.Bits);
        Assert.Equal(0UL, vcpu.Msrs.Xss.Bits);
        Assert.Equal(0u, vcpu.Fpu.Pkru);
        Assert.Empty(vcpu.Reset.XstateClears);

        var regs = vcpu.Fpu.Fpstate.Regs;
        Assert.Equal(LegacyRegion.InitFcw, BitConverter.ToUInt16(regs, 0));
        Assert.Equal(LegacyRegion.InitMxcsr, BitConverter.ToUInt32(regs, 24));
        int headerEnd = boot.XsaveEnabled ? 576 : 512;
        for (int k = 0; k < regs.Length; k++)
        {
            if (k is 0 or 1 or >= 24 and < 28) continue;
            if (boot.XsaveEnabled && k is >= 520 and < 528) continue;
            Assert.True(regs[k] == 0, $"{id}: byte {k} = 0x{regs[k]:x2} (header ends at {headerEnd})");
        }
        if (boot.XsaveEnabled && boot.Compacted)
            Assert.Equal((boot.Guest.Features | ArchMasks.CompactedFormat).Bits, vcpu.Fpu.Fpstate.XcompBv);
    }

    private static (Vcpu Vcpu, int BndRegs) MpxGuestWithState()
    {
        var (kvm, process, vcpu) = NewVcpu(Boot(Corpus.Cpu(MpxHost)));
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, 0x1F))));
        int bndregs = vcpu.Boot.Cpu.StandardOffset(3);
        var image = vcpu.GetXsave().Value;
        image.AsSpan(160, 16).Fill(0x11);
        image.AsSpan(576, 16).Fill(0x22);
        image.AsSpan(bndregs, 64).Fill(0x33);
        Put64(image, 512, 0x1F);
        Ok(vcpu.SetXsave(image));
        return (vcpu, bndregs);
    }

    /// <summary>R91: INIT zeroes BNDREGS (its XSTATE_BV bit stays set), keeps SSE/AVX, XCR0 and the FPU balance.</summary>
    [Fact]
    public void Init_ZeroesMpx_KeepsEverythingElse_R91()
    {
        var (vcpu, bndregs) = MpxGuestWithState();
        vcpu.Init();
        var image = vcpu.GetXsave().Value;
        Assert.All(image.AsSpan(bndregs, 64).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(0x1FUL, U64(image, 512));
        Assert.Equal(0x11, image[160]);
        Assert.Equal(0x22, image[576]);
        Assert.Equal(0x1FUL, vcpu.Xcrs.Xcr0.Bits);
        Assert.False(vcpu.Fpu.Fpstate.InUse);
        Assert.Empty(vcpu.Vm.Bugs);
        Assert.Empty(vcpu.Warnings);
    }

    [Fact]
    public void Init_InsideKvmRun_PutsAndReloads_R91()
    {
        var (vcpu, bndregs) = MpxGuestWithState();
        Ok(vcpu.Run(v =>
        {
            v.Init();
            Assert.True(v.Fpu.Fpstate.InUse);
        }));
        Assert.Empty(vcpu.Vm.Bugs);
        Assert.Empty(vcpu.Warnings);
        Assert.All(vcpu.GetXsave().Value.AsSpan(bndregs, 64).ToArray(), b => Assert.Equal(0, b));
    }

    /// <summary>H7: INIT outside KVM_RUN on a CET-without-MPX host (the KO host) must not put an unloaded FPU
    /// (VcpuReset.XstateReset's "if (fpuInUse) PutGuestFpu()"); the buggy put-without-load is a KVM_BUG that kills the VM.</summary>
    [Fact]
    public void Init_OutsideRun_DoesNotPutAnUnloadedFpu_H7()
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process, shstk: true)));
        vcpu.Init();
        Assert.False(vcpu.Vm.Dead);
        Assert.False(vcpu.Fpu.Fpstate.InUse);
        Assert.Empty(vcpu.Warnings);
        Assert.Single(vcpu.Reset.XstateClears);
    }

    /// <summary>H8: the clearing loop covers all 64 mask bits below XFEATURE_MAX, so CET_USER (11) and CET_KERNEL (12)
    /// are cleared; the review sketch's byte-for-bit confusion would stop at bit 7 (VcpuReset.XstateReset's foreach).</summary>
    [Fact]
    public void Init_ClearsCetUserAndKernel_H8()
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process, shstk: true)));
        Assert.Equal(2, vcpu.SetMsrs((MsrIndex.Ia32Pl0Ssp, 0x5000), (MsrIndex.Ia32Pl3Ssp, 0x6000)).Value);
        vcpu.Init();
        Assert.Equal(ArchMasks.Cet, vcpu.Reset.XstateClears.Single());
        var read = vcpu.GetMsrs(MsrIndex.Ia32Pl0Ssp, MsrIndex.Ia32Pl3Ssp);
        Assert.Equal([0UL, 0UL], read.Value);
    }

    /// <summary>I19 after INIT on every profile: masked components are init or zero, all other bytes and XCR0/XSS/XFD/
    /// PKRU unchanged, in_use unchanged.</summary>
    [SkippableTheory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void Init_Invariant_I19(string id)
    {
        var boot = Boot(Corpus.Cpu(id));
        Skip.IfNot(boot.XsaveEnabled, $"{id}: the kernel does not use XSAVE on this CPU: no guest xstate to INIT");
        Skip.IfNot(Corpus.Profile(id).Clean, $"{id}: inconsistent dump (R7): the marks need sane component geometry");
        var kvm = LoadKvm(boot);
        var process = LinuxProcess.Start(boot);
        var vcpu = Vcpu.Create(kvm, process).Vcpu!;
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process, shstk: kvm.Caps.Shstk)));
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, vcpu.Cpuid.GuestSupportedXcr0.Bits | 1))));
        if (vcpu.Cpuid.GuestHasShstk) vcpu.SetMsrs((MsrIndex.Ia32Pl0Ssp, 0x5000), (MsrIndex.Ia32Pl3Ssp, 0x6000));

        // Every supported user component marked with its own number (valid MXCSR kept).
        var image = vcpu.GetXsave().Value;
        var user = vcpu.Cpuid.GuestSupportedXcr0 | XfeatureMasksFpSse;
        foreach (int i in user.Indices().Where(i => i >= 2))
            image.AsSpan(boot.Cpu.StandardOffset(i), boot.Cpu.ComponentSize(i)).Fill((byte)(0x40 + i));
        image.AsSpan(160, 256).Fill(0x41);
        Put64(image, 512, user.Bits);
        Ok(vcpu.SetXsave(image));

        var before = (byte[])vcpu.Fpu.Fpstate.Regs.Clone();
        var (xcr0, xss, xfd, pkru) = (vcpu.Xcrs.Xcr0, vcpu.Msrs.Xss, vcpu.Fpu.Fpstate.Xfd, vcpu.Fpu.Pkru);
        vcpu.Init();
        var after = vcpu.Fpu.Fpstate.Regs;

        var mask = (kvm.Caps.SupportedXcr0 | kvm.Caps.SupportedXss) & VcpuReset.InitClearedFeatures;
        var bv = new FeatureMask(vcpu.Fpu.Fpstate.XstateBv);
        var cleared = new bool[after.Length];
        foreach (int i in mask.Indices())
        {
            int? at = XsaveAddress.Raw(boot, vcpu.Fpu.Fpstate, i);
            if (at is null) continue;
            for (int k = at.Value; k < at.Value + boot.Cpu.ComponentSize(i); k++)
            {
                cleared[k] = true;
                Assert.True(!bv.Contains(i) || after[k] == 0, $"{id}: component {i} byte {k}");
            }
        }
        for (int k = 0; k < after.Length; k++)
            if (!cleared[k]) Assert.True(before[k] == after[k], $"{id}: byte {k} changed by INIT");
        Assert.Equal((xcr0, xss, xfd, pkru), (vcpu.Xcrs.Xcr0, vcpu.Msrs.Xss, vcpu.Fpu.Fpstate.Xfd, vcpu.Fpu.Pkru));
        Assert.False(vcpu.Fpu.Fpstate.InUse);
        Assert.Empty(vcpu.Vm.Bugs);
    }

    private static readonly FeatureMask XfeatureMasksFpSse = ArchMasks.FpSse;
}
