namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>
/// Hosts without XSAVE (R81, R88, R89's FXSAVE fallback), protected-state VMs (R81, R89), and the per-profile forms of
/// I17 (guest sizes follow XCR0) and I20 (KVM_RUN leaves load/put balanced).
/// </summary>
public class KvmHostVariantTests
{
    private static BootResult NoXsaveBoot() => FpuBoot.Run(Zen5Ko(), KernelConfig.Default with { NoXsave = true });

    [Fact]
    public void NoXsaveHost_Xcrs_R81_R88()
    {
        var boot = NoXsaveBoot();
        Assert.False(boot.XsaveEnabled);
        var (kvm, process, vcpu) = NewVcpu(boot);
        Assert.Equal(0, KvmCapabilities.CheckExtension(kvm, KvmCap.Xcrs, process));
        Assert.Equal(1, KvmCapabilities.CheckExtension(kvm, KvmCap.Xsave, process));
        Assert.Empty(vcpu.GetXcrs().Value.Xcrs);
        Fails(Errno.EINVAL, vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, 1))));
    }

    /// <summary>R89: without XSAVE, GET_XSAVE is the FXSAVE image with XSTATE_BV = FP|SSE; SET accepts only FP|SSE.</summary>
    [Fact]
    public void NoXsaveHost_XsaveIsAnFxsaveImage_R89()
    {
        var (_, _, vcpu) = NewVcpu(NoXsaveBoot());
        var image = vcpu.GetXsave().Value;
        Assert.Equal(0x037F, U16(image, 0));
        Assert.Equal(0x1F80u, U32(image, 24));
        Assert.Equal(0x3UL, U64(image, 512));

        image.AsSpan(160, 16).Fill(0x11);
        Ok(vcpu.SetXsave(image));
        Assert.Equal(0x11, vcpu.GetXsave().Value[160]);

        Put64(image, 512, 0x7);
        Fails(Errno.EINVAL, vcpu.SetXsave(image));
        Put64(image, 512, 0x3);
        Put32(image, 24, 0x11F80);
        Fails(Errno.EINVAL, vcpu.SetXsave(image));
    }

    [Fact]
    public void ProtectedStateVm_XcrsAndConfidentialXsave_R81_R89()
    {
        var kvm = LoadKvm(Zen5Boot());
        var vm = KvmVm.Create(kvm, LinuxProcess.Start(kvm.Boot), hasProtectedState: true);
        var vcpu = Vcpu.Create(vm).Vcpu!;
        Fails(Errno.EINVAL, vcpu.GetXcrs().Result);
        Fails(Errno.EINVAL, vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, 1))));

        vcpu.Fpu.Fpstate.IsConfidential = true;
        Fails(Errno.EINVAL, vcpu.GetXsave().Result);
        Fails(Errno.EINVAL, vcpu.SetXsave(new byte[4096]));

        // Confidential state in a VM without protected state: 0 and nothing copied.
        var plain = Vcpu.Create(kvm, LinuxProcess.Start(kvm.Boot)).Vcpu!;
        plain.Fpu.Fpstate.IsConfidential = true;
        var read = plain.GetXsave();
        Ok(read.Result);
        Assert.All(read.Value, b => Assert.Equal(0, b));
    }

    /// <summary>I17 (guest part): after every accepted XCR0 write, 0xD.0 EBX = standard size of XCR0 and 0xD.1 EBX =
    /// compacted size of XCR0 | XSS (architecture oracle's layouts).</summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void GuestSizesFollowXcr0_I17(string id)
    {
        var boot = Boot(Corpus.Cpu(id));
        if (!boot.XsaveEnabled) return;
        var (kvm, process, vcpu) = NewVcpu(boot);
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        foreach (var xcr0 in new[] { ArchMasks.FpSse.Without(1), ArchMasks.FpSse, vcpu.Cpuid.GuestSupportedXcr0 })
        {
            if (vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, xcr0.Bits))).IsError) continue;
            var table = vcpu.GetCpuid2().Value;
            Assert.Equal((uint)StandardLayout.Size(boot.Cpu, vcpu.Xcrs.Xcr0), VcpuCpuid.Find(table, 0xD, 0)!.Ebx);
            var sub1 = VcpuCpuid.Find(table, 0xD, 1)!;
            if ((sub1.Eax & 0xA) != 0)
                Assert.Equal((uint)CompactedLayout.Size(boot.Cpu, vcpu.Xcrs.Xcr0 | vcpu.Msrs.Xss), sub1.Ebx);
        }
    }

    /// <summary>I20 on every profile: KVM_RUN loads and puts exactly once; afterwards the guest FPU is not in use and
    /// the thread's own fpstate is active again; no KVM_BUG.</summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void RunBalancesLoadAndPut_I20(string id)
    {
        var boot = Boot(Corpus.Cpu(id));
        var (_, process, vcpu) = NewVcpu(boot);
        var own = process.Leader.Fpu.Fpstate;
        Ok(vcpu.Run(v =>
        {
            Assert.True(v.Fpu.Fpstate.InUse);
            Assert.Same(v.Fpu.Fpstate, process.Leader.Fpu.Fpstate);
        }, v => v.Fpu.KernelFpuBegin()));
        Assert.False(vcpu.Fpu.Fpstate.InUse);
        Assert.Same(own, process.Leader.Fpu.Fpstate);
        Assert.Empty(vcpu.Vm.Bugs);
        Assert.Empty(vcpu.Warnings);
    }
}
