namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>R77-R81: guest XCR0 through KVM_SET_XCRS and XSETBV, the CPUID it depends on, and the runtime sizes.
/// Expected values: KO §3c/§3e (upstream rows) and SPEC R80/R81.</summary>
public class KvmXcrTests
{
    [Fact]
    public void GetXcrs_FreshVcpu_IsOneEntryXcr0One()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        var read = vcpu.GetXcrs();
        Ok(read.Result);
        Assert.Equal(0u, read.Value.Flags);
        Assert.Equal([new KvmXcr(0, 0x1)], read.Value.Xcrs);
    }

    [Theory]
    [InlineData(0x1UL, true)]
    [InlineData(0x3UL, true)]
    [InlineData(0x7UL, true)]
    [InlineData(0xE7UL, true)]
    [InlineData(0x0UL, false)]
    [InlineData(0x2UL, false)]
    [InlineData(0x5UL, false)]
    [InlineData(0xFUL, false)]
    [InlineData(0x19UL, false)]
    [InlineData(0x1BUL, false)]
    [InlineData(0x1FUL, false)]
    [InlineData(0x23UL, false)]
    [InlineData(0xE3UL, false)]
    [InlineData(0x27UL, false)]
    [InlineData(0x47UL, false)]
    [InlineData(0x67UL, false)]
    [InlineData(0x87UL, false)]
    [InlineData(0xA7UL, false)]
    [InlineData(0xC7UL, false)]
    [InlineData(0xE5UL, false)]
    [InlineData(0xEFUL, false)]
    [InlineData(0x1E7UL, false)]
    [InlineData(0x2E7UL, false)]
    [InlineData(0x8E7UL, false)]
    [InlineData(0x10E7UL, false)]
    [InlineData(0x200E7UL, false)]
    [InlineData(0x400E7UL, false)]
    [InlineData(0x600E7UL, false)]
    [InlineData(0x800E7UL, false)]
    [InlineData(0x40000000000000E7UL, false)]
    [InlineData(0x80000000000000E7UL, false)]
    public void SetXcrs_WithSupportedCpuid_Ko3eTable(ulong xcr0, bool accepted)
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, 0x7))));
        var r = vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, xcr0)));
        if (accepted) Ok(r);
        else Fails(Errno.EINVAL, r);
        Assert.Equal(accepted ? xcr0 : 0x7UL, vcpu.GetXcrs().Value.Xcrs[0].Value);
    }

    [Theory]
    [InlineData(0x1UL, true)]
    [InlineData(0x3UL, false)]
    [InlineData(0x7UL, false)]
    [InlineData(0xE7UL, false)]
    public void SetXcrs_WithoutCpuid_OnlyX87(ulong xcr0, bool accepted)
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        var r = vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, xcr0)));
        Assert.Equal(accepted, !r.IsError);
    }

    /// <summary>R79: guest_supported_xcr0 = guest 0xD.0 EAX &amp; supported_xcr0 (the upstream dependence KO §3e notes).</summary>
    [Fact]
    public void SetXcrs_DependsOnGuestLeaf0DEax_R79()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(Leaf0DCpuid(0x7)));
        Assert.Equal(0x7UL, vcpu.Cpuid.GuestSupportedXcr0.Bits);
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, 0x7))));
        Fails(Errno.EINVAL, vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, 0xE7))));
    }

    [Fact]
    public void SetXcrs_StructChecks_Ko3e()
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));

        Fails(Errno.EINVAL, vcpu.SetXcrs(new KvmXcrs(1, [new KvmXcr(0, 7)])));
        Fails(Errno.EINVAL, vcpu.SetXcrs(new KvmXcrs(0, Enumerable.Repeat(new KvmXcr(0, 7), 17).ToList())));
        Ok(vcpu.SetXcrs(new KvmXcrs(0, Enumerable.Repeat(new KvmXcr(0, 7), 16).ToList())));
        Assert.Equal(0x7UL, vcpu.Xcrs.Xcr0.Bits);

        Ok(vcpu.SetXcrs(KvmXcrs.Of()));
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(1, 0))));
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0xFFFFFFFF, 0x3))));
        Assert.Equal(0x7UL, vcpu.Xcrs.Xcr0.Bits);

        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(1, 0), new KvmXcr(0, 0xE7), new KvmXcr(0, 0))));
        Assert.Equal(0xE7UL, vcpu.Xcrs.Xcr0.Bits);
    }

    [Fact]
    public void GuestXsetbv_InjectsGp_AtCpl3_ForEcx1_AndForRefusedValues_R80()
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        Assert.Equal(GuestOutcome.InjectedGp, vcpu.Xcrs.GuestXsetbv(3, 0, 0x7));
        Assert.Equal(GuestOutcome.InjectedGp, vcpu.Xcrs.GuestXsetbv(0, 1, 0x7));
        Assert.Equal(GuestOutcome.InjectedGp, vcpu.Xcrs.GuestXsetbv(0, 0, 0x27));
        Assert.Equal(0x1UL, vcpu.Xcrs.Xcr0.Bits);
        Assert.Equal(GuestOutcome.Completed, vcpu.Xcrs.GuestXsetbv(0, 0, 0xE7));
        Assert.Equal(0xE7UL, vcpu.Xcrs.Xcr0.Bits);
    }

    /// <summary>R77, KO §3e: after SET_XCRS(v) the guest's 0xD.0 EBX (and 0xD.1 EBX, XSAVEC offered) follow XCR0.</summary>
    [Theory]
    [InlineData(0x1UL, 0x240u)]
    [InlineData(0x3UL, 0x240u)]
    [InlineData(0x7UL, 0x340u)]
    [InlineData(0xE7UL, 0x980u)]
    public void GetCpuid2_RuntimeSizesFollowXcr0_R77(ulong xcr0, uint size)
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(Leaf0DCpuid(0xE7, eax1: 0x7)));
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, xcr0))));
        var table = vcpu.GetCpuid2().Value;
        Assert.Equal(size, VcpuCpuid.Find(table, 0xD, 0)!.Ebx);
        Assert.Equal(size, VcpuCpuid.Find(table, 0xD, 1)!.Ebx);
    }

    /// <summary>I2: R9 validity (with supported = guest_supported_xcr0) ⇔ KVM_SET_XCRS accepts, on single-bit flips
    /// of every legal XCR0 of every profile's supported set.</summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void SetXcrs_AgreesWithArchitecturalRule_I2(string id)
    {
        var boot = Boot(Corpus.Cpu(id));
        if (!boot.XsaveEnabled) return;
        var kvm = LoadKvm(boot);
        var process = Xsave.Oracle.Linux.Process.LinuxProcess.Start(boot);
        var vcpu = Vcpu.Create(kvm, process).Vcpu!;
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        var supported = vcpu.Cpuid.GuestSupportedXcr0;
        foreach (var v in new[] { supported, FeatureMask.Of(XFeature.Fp), supported & XfeaturesUpToAvx })
        {
            for (int bit = 0; bit < 64; bit++)
            {
                var candidate = v ^ FeatureMask.Bit(bit);
                bool expected = Xcr0Rules.Check(candidate, supported).Valid;
                Assert.True(expected == !vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, candidate.Bits))).IsError, $"{id}: {candidate}");
            }
        }
    }

    private static readonly FeatureMask XfeaturesUpToAvx = FeatureMask.Of(XFeature.Fp, XFeature.Sse, XFeature.Ymm);
}
