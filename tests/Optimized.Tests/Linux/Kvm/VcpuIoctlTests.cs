using static Xsave.Optimized.Tests.Linux.Kvm.KvmHost;

namespace Xsave.Optimized.Tests.Linux.Kvm;

/// <summary>
/// vCPU ioctls on the observed Zen 5 host (R78-R81, R85, R89, R90), expected values from KERNEL-OBSERVATIONS §3c-§3g
/// (upstream rows) and SPEC part C.
/// </summary>
public class VcpuIoctlTests
{
    private static readonly List<CpuidEntry> Supported = GuestCpuid(0xE7, sub1Eax: 0xF);

    private static KvmHost Zen5() => new(ObservedHost.Zen5());

    // ---- R85, R90: a fresh vCPU ----

    [Fact]
    public void Create_ResetState_Xcr0IsX87_AndGuestPermissionsLocked()
    {
        var host = Zen5();
        Assert.Equal(0, host.NewVcpu());
        Assert.Equal(1UL, host.Do(new GetXcrsOp(0)).Value); // KO §3c
        var v = host.Vcpu(0);
        Assert.Equal(0UL, v.Xss.Bits);
        Assert.Equal(0UL, v.Xfd.Bits); // H14: XFD starts at its RESET value
        Assert.Equal(4096u, v.UabiSize); // R55, H5
        Assert.Equal(0x18E7UL, v.GuestFpuXfeatures.Bits); // R55/H4: guest_default_cfg (KO §0: 0x18e7)
        Assert.Equal(v.GuestFpuXfeatures, v.Fpstate!.Xfeatures);
        Assert.False(v.FpuLoaded);
        Assert.False(v.HasRun);
        // R63: fpu_lock_guest_permissions sets FPU_GUEST_PERM_LOCKED (bit 63).
        Assert.NotEqual(0UL, host.Kernel.Snapshot()!.Processes[0].GuestPerm.StatePerm.Bits & 1UL << 63);
    }

    [Fact]
    public void GetXsave_FreshVcpu_IsTheObservedImage_Ko3c()
    {
        var host = Zen5();
        host.NewVcpu();
        var expected = new byte[4096];
        expected[0] = 0x7F; expected[1] = 0x03;                                          // FCW 0x037f
        BitConverter.TryWriteBytes(expected.AsSpan(24), 0x1F80u);                         // MXCSR
        BitConverter.TryWriteBytes(expected.AsSpan(28), 0x2FFFFu);                        // MXCSR_MASK
        BitConverter.TryWriteBytes(expected.AsSpan(464), 0xE7UL);                         // sw_reserved word 0
        var get = host.Do(new GetXsaveOp(0));
        Assert.Equal(0, get.Result);
        Assert.Equal(expected, get.Data);
        Assert.Equal(expected, host.Do(new GetXsave2Op(0, 4096)).Data); // KO §3c: byte-identical
    }

    // ---- R78, R79 ----

    [Fact]
    public void SetCpuid2_DynamicFeatureWithoutGuestPermission_Eperm_Ko3d()
    {
        var host = Zen5();
        host.NewVcpu();
        Assert.Equal(EPERM, host.R(new SetCpuid2Op(0, GuestCpuid(0x400E7, 0xF))));
        Assert.Equal(EPERM, host.R(new SetCpuid2Op(0, GuestCpuid(0x600E7, 0xF))));
        Assert.Equal(0UL, host.Vcpu(0).GuestSupportedXcr0.Bits); // the old (empty) table stays
        Assert.Equal(0, host.R(new SetCpuid2Op(0, GuestCpuid(0x200E7, 0xF)))); // bit 17 alone: masked, accepted
    }

    [Fact]
    public void SetCpuid2_GuestSupportedMasks_AreCpuidAndKvmSupport_R79()
    {
        var host = Zen5();
        host.NewVcpu(GuestCpuid(0x8000_0000_0008_02FFUL, 0xF, xss: 0x1900));
        var v = host.Vcpu(0);
        Assert.Equal(0xE7UL, v.GuestSupportedXcr0.Bits);
        Assert.Equal(0x1800UL, v.GuestSupportedXss.Bits);
    }

    [Fact]
    public void SetCpuid2_TooManyEntries_E2big_AndBadAddressWidth_Einval_R78()
    {
        var host = Zen5();
        host.NewVcpu();
        var many = Enumerable.Range(0, 257).Select(i => new CpuidEntry(0x40000000, (uint)i, default)).ToList();
        Assert.Equal(E2BIG, host.R(new SetCpuid2Op(0, many)));
        Assert.Equal(0, host.R(new SetCpuid2Op(0, many.Take(256).ToList())));
        foreach (uint width in new uint[] { 39, 42, 52 })
            Assert.Equal(EINVAL, host.R(new SetCpuid2Op(0, [.. Supported, new(0x80000008, 0, new(width << 8 | 0x30, 0, 0, 0))])));
        foreach (uint width in new uint[] { 0, 48, 57 })
            Assert.Equal(0, host.R(new SetCpuid2Op(0, [.. Supported, new(0x80000008, 0, new(width << 8 | 0x30, 0, 0, 0))])));
    }

    [Fact]
    public void SetCpuid2_AfterRun_OnlyTheCurrentTable_Ko3d()
    {
        var host = Zen5();
        host.NewVcpu(Supported);
        Assert.Equal(0, host.R(new KvmRunOp(0, [])));
        Assert.True(host.Vcpu(0).HasRun);
        Assert.Equal(0, host.R(new SetCpuid2Op(0, Supported)));       // identical (runtime bits recomputed)
        Assert.Equal(EINVAL, host.R(new SetCpuid2Op(0, GuestCpuid(0x7, 0xF))));
        Assert.Equal(EINVAL, host.R(new SetCpuid2Op(0, Supported.Take(3).ToList())));
        Assert.Equal(0xE7UL, host.Vcpu(0).GuestSupportedXcr0.Bits);
    }

    [Fact]
    public void RuntimeCpuid_0xD_SizesFollowXcr0_Ko3e_R77()
    {
        var host = Zen5();
        host.NewVcpu(Supported);
        var vcpu = host.Kernel.Kvm.FindVcpu(0)!;
        // KO §3e: 0xD.0 EBX = 0x240 (1), 0x240 (3), 0x340 (7), 0x980 (0xe7); 0xD.1 EBX (XSAVEC in the guest's 0xD.1 EAX)
        // = compacted size of XCR0 | XSS (R15: 576, 576, 832, 2432 on this CPU, no aligned components).
        foreach (var (xcr0, std, cmp) in new (ulong, uint, uint)[] { (1, 0x240, 576), (3, 0x240, 576), (7, 0x340, 832), (0xE7, 0x980, 2432) })
        {
            Assert.Equal(0, host.R(new SetXcrsOp(0, 0, [new(0, xcr0)])));
            Assert.Equal(0, vcpu.Cpuid.GetCpuid2(256, out var table));
            Assert.Equal(std, table.Single(e => e.Function == 0xD && e.Index == 0).Ebx);
            Assert.Equal(cmp, table.Single(e => e.Function == 0xD && e.Index == 1).Ebx);
        }
        Assert.Equal(-7, vcpu.Cpuid.GetCpuid2(3, out _)); // R78's -E2BIG for a short buffer
    }

    // ---- R80, R81 ----

    [Theory]
    [InlineData(0x1UL, true)]
    [InlineData(0x3UL, true)]
    [InlineData(0x7UL, true)]
    [InlineData(0xE7UL, true)]
    [InlineData(0x0UL, false)]    // no x87
    [InlineData(0x2UL, false)]
    [InlineData(0x5UL, false)]    // AVX without SSE
    [InlineData(0xFUL, false)]    // MPX: not supported here
    [InlineData(0x1FUL, false)]
    [InlineData(0x23UL, false)]   // AVX-512 without AVX
    [InlineData(0xE3UL, false)]
    [InlineData(0x27UL, false)]   // partial AVX-512
    [InlineData(0x67UL, false)]
    [InlineData(0xC7UL, false)]
    [InlineData(0xE5UL, false)]   // no SSE
    [InlineData(0x1E7UL, false)]  // PT: supervisor
    [InlineData(0x2E7UL, false)]  // PKRU: not on this host
    [InlineData(0x8E7UL, false)]  // CET bits are XSS-only
    [InlineData(0x10E7UL, false)]
    [InlineData(0x200E7UL, false)]
    [InlineData(0x600E7UL, false)]
    [InlineData(0x800E7UL, false)] // APX: not KVM's
    [InlineData(0x40000000000000E7UL, false)]
    [InlineData(0x80000000000000E7UL, false)]
    public void SetXcrs_AcceptsExactlyTheLegalValues_Ko3e_R80(ulong xcr0, bool accepted)
    {
        var host = Zen5();
        host.NewVcpu(Supported);
        Assert.Equal(accepted ? 0 : EINVAL, host.R(new SetXcrsOp(0, 0, [new(0, xcr0)])));
        Assert.Equal(accepted ? xcr0 : 1UL, host.Do(new GetXcrsOp(0)).Value);
    }

    [Fact]
    public void SetXcrs_WithoutCpuid_OnlyX87_R80()
    {
        var host = Zen5();
        host.NewVcpu();
        Assert.Equal(0, host.R(new SetXcrsOp(0, 0, [new(0, 1)])));
        Assert.Equal(EINVAL, host.R(new SetXcrsOp(0, 0, [new(0, 3)])));
    }

    [Fact]
    public void SetXcrs_StructChecks_Ko3e_R81()
    {
        var host = Zen5();
        host.NewVcpu(Supported);
        Assert.Equal(EINVAL, host.R(new SetXcrsOp(0, 1, [new(0, 7)])));
        Assert.Equal(EINVAL, host.R(new SetXcrsOp(0, 0, Enumerable.Repeat(new XcrEntry(0, 7), 17).ToList())));
        Assert.Equal(1UL, host.Do(new GetXcrsOp(0)).Value);
        Assert.Equal(0, host.R(new SetXcrsOp(0, 0, Enumerable.Repeat(new XcrEntry(0, 7), 16).ToList())));
        Assert.Equal(7UL, host.Do(new GetXcrsOp(0)).Value);
        Assert.Equal(0, host.R(new SetXcrsOp(0, 0, [])));
        Assert.Equal(0, host.R(new SetXcrsOp(0, 0, [new(1, 0), new(0xFFFFFFFF, 3)])));
        Assert.Equal(7UL, host.Do(new GetXcrsOp(0)).Value);
        Assert.Equal(0, host.R(new SetXcrsOp(0, 0, [new(1, 0), new(0, 0xE7), new(0, 0)])));
        Assert.Equal(0xE7UL, host.Do(new GetXcrsOp(0)).Value); // the first XCR0 entry wins
    }

    [Fact]
    public void Xcrs_HostWithoutXsave_NoEntries_AndSetRefused_R81()
    {
        var host = new KvmHost(ObservedHost.Zen5(), KernelConfig.Default with { NoXsave = true });
        host.NewVcpu();
        var get = host.Do(new GetXcrsOp(0));
        Assert.Equal(0, get.Result);
        Assert.Null(get.Value);
        Assert.Equal(EINVAL, host.R(new SetXcrsOp(0, 0, [new(0, 1)])));
    }

    [Fact]
    public void GuestXsetbv_CplOrIndexOrValueRefused_InjectsGp_R80()
    {
        var host = Zen5();
        host.NewVcpu(Supported);
        var run = host.Do(new KvmRunOp(0, [new GuestXsetbv(3, 0, 7), new GuestXsetbv(0, 1, 7), new GuestXsetbv(0, 0, 0x2E7),
            new GuestXsetbv(0, 0, 0x27), new GuestXsetbv(0, 0, 7)]));
        Assert.Equal(0, run.Result);
        Assert.Equal(new[] { "#GP", "#GP", "#GP", "#GP", "completed" }, run.Exits!.Select(e => e.ToString()));
        Assert.Equal(7UL, host.Do(new GetXcrsOp(0)).Value);
        Assert.False(host.Vcpu(0).FpuLoaded); // I20: KVM_RUN puts what it loaded
        Assert.True(host.Vcpu(0).HasRun);
    }

    // ---- R89: KVM_GET_XSAVE / KVM_SET_XSAVE ----

    [Fact]
    public void GetXsave_FiltersByGuestCpuid_SetValidatesAgainstKvmSupport_Ko3g_H11()
    {
        var host = Zen5();
        host.NewVcpu();
        var image = Image(host.Cpu, 4096, 0xE7);
        Assert.Equal(0, host.R(new SetXsaveOp(0, image)));
        var hidden = host.Do(new GetXsaveOp(0)).Data!;
        Assert.Equal(0x3UL, U64(hidden, 512));
        Assert.True(hidden.AsSpan(576, 4096 - 576).IndexOfAnyExcept((byte)0) < 0, "AVX/AVX-512 not reported");

        Assert.Equal(0, host.R(new SetCpuid2Op(0, Supported)));
        var shown = host.Do(new GetXsaveOp(0)).Data!;
        Assert.Equal(0xE7UL, U64(shown, 512));
        Assert.Equal(image.AsSpan(576).ToArray(), shown.AsSpan(576).ToArray()); // the state was kept
        Assert.Equal(1UL, host.Do(new GetXcrsOp(0)).Value); // GET does not depend on XCR0
    }

    [Fact]
    public void SetXsave_RoundTrip_IsByteIdentical_Ko3g()
    {
        var host = Zen5();
        host.NewVcpu(Supported);
        var image = Image(host.Cpu, 4096, 0xE7);
        BitConverter.TryWriteBytes(image.AsSpan(464), 0xE7UL); // what GET reports in sw_reserved
        Assert.Equal(0, host.R(new SetXsaveOp(0, image)));
        var first = host.Do(new GetXsaveOp(0)).Data!;
        Assert.Equal(image, first);
        Assert.Equal(0, host.R(new SetXsaveOp(0, first)));
        Assert.Equal(first, host.Do(new GetXsaveOp(0)).Data);
    }

    public static TheoryData<string, ulong, ulong, int, uint, long> SetXsaveCases()
    {
        var d = new TheoryData<string, ulong, ulong, int, uint, long>();
        // name, XSTATE_BV, XCOMP_BV, reserved header byte to set (0 = none), MXCSR, expected result (KO §3g)
        foreach (int bit in new[] { 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 62, 63 })
            d.Add($"bv bit {bit}", 0xE7UL | 1UL << bit, 0, 0, 0x1F80, EINVAL);
        foreach (ulong xcomp in new[] { 1UL << 63, 1UL << 63 | 0xE7, 0xE7UL, 1UL })
            d.Add($"xcomp 0x{xcomp:x}", 0xE7, xcomp, 0, 0x1F80, EINVAL);
        foreach (int at in new[] { 528, 560, 575 })
            d.Add($"reserved byte {at}", 0xE7, 0, at, 0x1F80, EINVAL);
        foreach (uint mxcsr in new[] { 0x11F80u, 0xFFFFFFFFu })
        {
            foreach (ulong bv in new ulong[] { 0xE7, 0x1, 0x2, 0x4 })
                d.Add($"mxcsr 0x{mxcsr:x} bv 0x{bv:x}", bv, 0, 0, mxcsr, EINVAL);
            foreach (ulong bv in new ulong[] { 0, 0xE0 })
                d.Add($"mxcsr 0x{mxcsr:x} bv 0x{bv:x} (not checked)", bv, 0, 0, mxcsr, 0);
        }
        d.Add("mxcsr 0x21f80 (MM, inside MXCSR_MASK)", 0x3, 0, 0, 0x21F80, 0);
        foreach (ulong bv in new ulong[] { 0xE7, 0x7, 0x3, 0x1, 0x2, 0x4, 0xE0, 0 })
            d.Add($"bv 0x{bv:x}", bv, 0, 0, 0x1F80, 0);
        return d;
    }

    [Theory]
    [MemberData(nameof(SetXsaveCases))]
    public void SetXsave_ValidationTable_Ko3g_R68_R69_R89(string name, ulong bv, ulong xcomp, int reservedByte, uint mxcsr, long expected)
    {
        var host = Zen5();
        host.NewVcpu(Supported);
        var before = host.Vcpu(0).Fpstate!.RegsSha256;
        var image = Image(host.Cpu, 4096, bv, mxcsr);
        BitConverter.TryWriteBytes(image.AsSpan(520), xcomp);
        if (reservedByte != 0) image[reservedByte] = 1;

        Assert.True(expected == host.R(new SetXsaveOp(0, image)), name);
        var get = host.Do(new GetXsaveOp(0)).Data!;
        if (expected != 0)
        {
            Assert.Equal(before, host.Vcpu(0).Fpstate!.RegsSha256); // I14: state untouched
            return;
        }
        Assert.Equal(bv, U64(get, 512));
        // Components whose bit is clear read back as init: FCW 0x37F, MXCSR 0x1F80 (only reported with SSE|YMM), zeros.
        Assert.Equal((ushort)0x37F, BitConverter.ToUInt16(get, 0));
        uint expectedMxcsr = (bv & 0x6) != 0 ? mxcsr : 0x1F80;
        Assert.Equal(expectedMxcsr, U32(get, 24));
        Assert.Equal((bv & 2) != 0 ? image.AsSpan(160, 16).ToArray() : new byte[16], get.AsSpan(160, 16).ToArray());
        Assert.Equal((bv & 4) != 0 ? image.AsSpan(576, 256).ToArray() : new byte[256], get.AsSpan(576, 256).ToArray());
    }

    [Fact]
    public void SetXsave_IgnoredBytesAndVerbatimFields_Ko3g()
    {
        var host = Zen5();
        host.NewVcpu(Supported);

        var sw = Image(host.Cpu, 4096, 0xE7);
        sw.AsSpan(416, 96).Fill(0x77);
        sw.AsSpan(2432).Fill(0x88);
        Assert.Equal(0, host.R(new SetXsaveOp(0, sw)));
        var get = host.Do(new GetXsaveOp(0)).Data!;
        Assert.Equal(0xE7UL, U64(get, 464));                                 // sw_reserved rewritten
        Assert.True(get.AsSpan(416, 48).IndexOfAnyExcept((byte)0) < 0);
        Assert.True(get.AsSpan(2432).IndexOfAnyExcept((byte)0) < 0);

        var fp = Image(host.Cpu, 4096, 0x1, mxcsr: 0x1FBF);
        BitConverter.TryWriteBytes(fp.AsSpan(0), (ushort)0x27F);
        BitConverter.TryWriteBytes(fp.AsSpan(2), (ushort)0x3800);
        fp[4] = 0x80;
        Assert.Equal(0, host.R(new SetXsaveOp(0, fp)));
        get = host.Do(new GetXsaveOp(0)).Data!;
        Assert.Equal(fp.AsSpan(0, 24).ToArray(), get.AsSpan(0, 24).ToArray());  // as written
        Assert.Equal(0x1F80u, U32(get, 24));                                   // MXCSR only reported with SSE|YMM

        var noMask = Image(host.Cpu, 4096, 0xE7, mxcsr: 0x1FC0);
        BitConverter.TryWriteBytes(noMask.AsSpan(28), 0u);
        Assert.Equal(0, host.R(new SetXsaveOp(0, noMask)));
        get = host.Do(new GetXsaveOp(0)).Data!;
        Assert.Equal(0x1FC0u, U32(get, 24));
        Assert.Equal(0u, U32(get, 28)); // copied verbatim

        var garbage = Image(host.Cpu, 4096, 0);
        BitConverter.TryWriteBytes(garbage.AsSpan(0), 0x1234567812345678UL);
        Assert.Equal(0, host.R(new SetXsaveOp(0, garbage)));
        get = host.Do(new GetXsaveOp(0)).Data!;
        Assert.Equal((ushort)0x37F, BitConverter.ToUInt16(get, 0)); // init values
        Assert.Equal(0u, U32(get, 2));
    }

    [Fact]
    public void SetXsave_ShortImage_Efault_R89()
    {
        var host = Zen5();
        host.NewVcpu(Supported);
        Assert.Equal(EFAULT, host.R(new SetXsaveOp(0, new byte[4095])));
        Assert.Equal(0, host.R(new SetXsaveOp(0, Image(host.Cpu, 8192, 0xE7)))); // extra bytes are not read
    }

    [Fact]
    public void SetXsave_SupervisorStateOfTheKernelBufferIsKept_R89_I13()
    {
        // Tiger Lake guest with CET: a CET MSR write puts CET_USER in the kernel buffer; KVM_SET_XSAVE brings user state
        // only, so the bit and the bytes survive and GET never exports them.
        var host = new KvmHost(Corpus.Cpu("intel-tigerlake-806c1"));
        host.NewVcpu(GuestCpuid(0x2E7, 0xF, xss: 0x1800, shstk: true));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrPl3Ssp, 0x7FFF_FFF0)));
        Assert.Equal(0, host.R(new SetXsaveOp(0, Image(host.Cpu, 4096, 0x2E7))));
        Assert.NotEqual(0UL, host.Vcpu(0).Fpstate!.XstateBv.Bits & 1UL << 11);
        Assert.Equal(0x7FFF_FFF0UL, host.Do(new GetMsrOp(0, MsrPl3Ssp)).Value);
        Assert.Equal(0x2E7UL, U64(host.Do(new GetXsaveOp(0)).Data!, 512));
    }

    [Fact]
    public void SetXsave_Pkru_ChangesVcpuPkruOnlyWhenPresent_R89()
    {
        var host = new KvmHost(Corpus.Cpu("intel-tigerlake-806c1"));
        host.NewVcpu(GuestCpuid(0x2E7, 0xF));
        var image = Image(host.Cpu, 4096, 0x2E7);
        BitConverter.TryWriteBytes(image.AsSpan(host.Cpu.StandardOffset(9)), 0x55555554u);
        Assert.Equal(0, host.R(new SetXsaveOp(0, image)));
        Assert.Equal(0x55555554u, host.Vcpu(0).Pkru);
        Assert.Equal(0x55555554u, U32(host.Do(new GetXsaveOp(0)).Data!, host.Cpu.StandardOffset(9))); // R70: {pkru, 0}
        Assert.Equal(0, host.R(new SetXsaveOp(0, Image(host.Cpu, 4096, 0xE7))));
        Assert.Equal(0x55555554u, host.Vcpu(0).Pkru); // bit clear: vcpu.pkru left alone (NULL pkru pointer)
    }

    // ---- R85, R56 ----

    [Fact]
    public void Destroy_KeepsTheIdAndFreesTheFpstate()
    {
        var host = Zen5();
        host.NewVcpu();
        Assert.Equal(0, host.R(new VcpuDestroyOp(0)));
        var v = host.Vcpu(0);
        Assert.False(v.Alive);
        Assert.Null(v.Fpstate);
        Assert.Equal(1, host.NewVcpu());
        Assert.Throws<ArgumentException>(() => host.Do(new GetXcrsOp(0)));
    }
}
