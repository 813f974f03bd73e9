using static Xsave.Optimized.Tests.Linux.Kvm.KvmHost;

namespace Xsave.Optimized.Tests.Linux.Kvm;

/// <summary>
/// AMX guest FPUs and XFD (R57, R58, R78, R83, R87, R89, H6), XSS and CET MSRs (R82, R84), INIT (R91) and KVM_RUN's
/// load/put pairing (R86), on corpus CPUs that have the components.
/// </summary>
public class VcpuFpuStateTests
{
    private const ulong AmxXcr0 = 0x602E7;

    private static KvmHost Spr() => new(Corpus.Cpu("intel-sapphirerapids-806f8"));
    private static KvmHost TigerLake() => new(Corpus.Cpu("intel-tigerlake-806c1"));
    private static KvmHost Skylake() => new(Corpus.Cpu("intel-skylake-506e3"));

    /// <summary>SPR with the AMX guest permission requested before the vCPU and TILEDATA enabled by SET_CPUID2.</summary>
    private static KvmHost SprWithAmxGuest(uint sub1Eax = 0x1F)
    {
        var host = Spr();
        Assert.Equal(0, host.R(new ArchPrctlOp(1, ReqGuestPerm, 18)));
        host.NewVcpu(GuestCpuid(AmxXcr0, sub1Eax, xss: 0x1800, shstk: true));
        return host;
    }

    // ---- AMX: R57, R58, R78, R89 ----

    [Fact]
    public void SetCpuid2_WithGuestPermission_EnablesTiledata_R57_R58()
    {
        var host = SprWithAmxGuest();
        var v = host.Vcpu(0);
        Assert.Equal(11008u, v.UabiSize);                                  // R57: perm.__user_state_size (0x2B00, corpus)
        Assert.NotEqual(0UL, v.GuestFpuXfeatures.Bits & 1UL << 18);
        Assert.Equal(v.GuestFpuXfeatures, v.Fpstate!.Xfeatures);           // I9
        Assert.NotEqual(0UL, v.Fpstate.UserXfeatures.Bits & 1UL << 18);
        Assert.Equal(0UL, v.Fpstate.Xfd.Bits);
        Assert.Equal(v.Fpstate.Xfeatures.Bits | 1UL << 63, v.Fpstate.XcompBv.Bits); // R52
        // R67: the kernel size of the permitted set; guest default 0x21EE7 | TILEDATA, compacted per R15/R16:
        // ... CET_S ends at 2480, PASID 8 bytes fits the padding before TILECFG (2496..2560), TILEDATA 2560 + 8192.
        Assert.Equal(2560u + 8192, v.Fpstate.Size);
        Assert.Equal(0x602E7UL, v.GuestSupportedXcr0.Bits);
    }

    [Fact]
    public void GetXsave_RefusedOnceUabiSizeExceeds4096_GetXsave2ReturnsUabiSize_R89_I16()
    {
        var host = SprWithAmxGuest();
        Assert.Equal(EINVAL, host.R(new GetXsaveOp(0)));
        Assert.Null(host.Do(new GetXsaveOp(0)).Data);
        var get2 = host.Do(new GetXsave2Op(0, 4096));
        Assert.Equal(11008, get2.Data!.Length);
        Assert.Equal(EFAULT, host.R(new SetXsaveOp(0, Image(host.Cpu, 4096, 0x2E7))));
        Assert.True(host.Vcpu(0).UabiSize <= (uint)host.R(new KvmCheckExtensionOp(1, CapXsave2)));
    }

    [Fact]
    public void SetXsave_Tiledata_RoundTripsThroughGetXsave2()
    {
        var host = SprWithAmxGuest();
        var image = Image(host.Cpu, 11008, AmxXcr0);
        Assert.Equal(0, host.R(new SetXsaveOp(0, image)));
        var get = host.Do(new GetXsave2Op(0, 11008)).Data!;
        Assert.Equal(AmxXcr0, U64(get, 512));
        Assert.Equal(image.AsSpan(0xB00, 8192).ToArray(), get.AsSpan(0xB00, 8192).ToArray());
        Assert.Equal(image.AsSpan(0xAC0, 64).ToArray(), get.AsSpan(0xAC0, 64).ToArray());
    }

    [Fact]
    public void SetCpuid2_AmxInAProcessWithoutPermission_Eperm_AndLockedRequest_Ebusy()
    {
        var host = Spr();
        host.NewVcpu();
        Assert.Equal(EPERM, host.R(new SetCpuid2Op(0, GuestCpuid(AmxXcr0, 0x1F))));
        Assert.Equal(4096u, host.Vcpu(0).UabiSize);
        Assert.Equal(EBUSY, host.R(new ArchPrctlOp(1, ReqGuestPerm, 18))); // R65 step 5: locked by the first vCPU
    }

    // ---- XFD: R83, R87, R89, H6, I15 ----

    [Fact]
    public void XfdMsr_OnlyDynamicFeaturesTheGuestMayUse_R83()
    {
        var host = SprWithAmxGuest();
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrXfd, 1UL << 18)));
        Assert.Equal(1UL << 18, host.Do(new GetMsrOp(0, MsrXfd)).Value);
        Assert.Equal(1UL << 18, host.Vcpu(0).Xfd.Bits);
        Assert.Equal(0, host.R(new SetMsrOp(0, MsrXfd, 1UL << 17)));
        Assert.Equal(0, host.R(new SetMsrOp(0, MsrXfd, 3UL << 17)));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrXfdErr, 1UL << 18)));
        Assert.Equal(0, host.R(new SetMsrOp(0, MsrXfdErr, 1)));
        Assert.Equal(1UL << 18, host.Vcpu(0).XfdErr);

        // Without TILEDATA in the guest CPUID nothing can be disabled.
        var plain = Spr();
        plain.NewVcpu(GuestCpuid(0x2E7, 0x1F));
        Assert.Equal(0, plain.R(new SetMsrOp(0, MsrXfd, 1UL << 18)));
    }

    [Fact]
    public void XfdMsr_GuestNeedsXfdInItsCpuid_HostDoesNot_R83()
    {
        var host = SprWithAmxGuest(sub1Eax: 0xF); // no XFD in the guest's 0xD.1 EAX
        var run = host.Do(new KvmRunOp(0, [new GuestWrmsr(MsrXfd, 1UL << 18), new GuestRdmsr(MsrXfd)]));
        Assert.Equal(new[] { "#GP", "#GP" }, run.Exits!.Select(e => e.ToString()));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrXfd, 1UL << 18)));
    }

    [Fact]
    public void SetXsave_DropsXfdDisabledFeaturesSilently_R89_H6_I15()
    {
        var host = SprWithAmxGuest();
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrXfd, 1UL << 18)));
        Assert.Equal(0, host.R(new SetXsaveOp(0, Image(host.Cpu, 11008, AmxXcr0))));
        var v = host.Vcpu(0);
        Assert.Equal(AmxXcr0 & ~(1UL << 18), v.Fpstate!.XstateBv.Bits);
        Assert.Equal(AmxXcr0 & ~(1UL << 18), U64(host.Do(new GetXsave2Op(0, 11008)).Data!, 512));
    }

    [Fact]
    public void GuestXfdWrite_SaveOnPutDropsTheDisabledFeature_R86_R87_I15()
    {
        var host = SprWithAmxGuest();
        Assert.Equal(0, host.R(new SetXsaveOp(0, Image(host.Cpu, 11008, AmxXcr0))));
        var run = host.Do(new KvmRunOp(0, [new HostKernelFpuUse(), new GuestWrmsr(MsrXfd, 1UL << 18), new GuestRdmsr(MsrXfd)]));
        Assert.Equal(new[] { "completed", "completed", "value=0x40000" }, run.Exits!.Select(e => e.ToString()));
        var v = host.Vcpu(0);
        Assert.Equal(1UL << 18, v.Xfd.Bits);
        Assert.Equal(0UL, v.Fpstate!.XstateBv.Bits & v.Xfd.Bits);
        Assert.False(v.FpuLoaded);
    }

    // ---- XSS and CET MSRs: R82, R84 ----

    [Theory]
    [InlineData(0x800UL, 1)]
    [InlineData(0x1000UL, 1)]
    [InlineData(0x1800UL, 1)]
    [InlineData(0UL, 1)]
    [InlineData(0x100UL, 0)]   // PT: never KVM's (R2)
    [InlineData(0x2000UL, 0)]  // HDC
    [InlineData(0x1UL, 0)]     // a user bit
    [InlineData(1UL << 63, 0)]
    public void XssMsr_OnlyGuestSupportedSupervisorBits_R82(ulong value, long written)
    {
        var host = TigerLake();
        host.NewVcpu(GuestCpuid(0x2E7, 0xF, xss: 0x3900, shstk: true, ibt: true));
        Assert.Equal(written, host.R(new SetMsrOp(0, MsrXss, value)));
        Assert.Equal(written == 1 ? value : 0, host.Do(new GetMsrOp(0, MsrXss)).Value);
        Assert.Equal(written == 1 ? value : 0, host.Vcpu(0).Xss.Bits);
    }

    [Fact]
    public void XssMsr_GuestWithoutXsaves_RefusesNonZero_R82()
    {
        var host = TigerLake();
        host.NewVcpu(GuestCpuid(0x2E7, 0x7, xss: 0x1800));
        Assert.Equal(0, host.R(new SetMsrOp(0, MsrXss, 0x800)));
        var run = host.Do(new KvmRunOp(0, [new GuestWrmsr(MsrXss, 0x800), new GuestRdmsr(MsrXss)]));
        Assert.Equal(new[] { "#GP", "#GP" }, run.Exits!.Select(e => e.ToString()));
    }

    [Fact]
    public void XssWrite_UpdatesTheGuestCompactedSize_R77_I17()
    {
        var host = TigerLake();
        host.NewVcpu(GuestCpuid(0x2E7, 0xF, xss: 0x1800, shstk: true));
        Assert.Equal(0, host.R(new SetXcrsOp(0, 0, [new(0, 0x2E7)])));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrXss, 0x1800)));
        Assert.Equal(0, host.Kernel.Kvm.FindVcpu(0)!.Cpuid.GetCpuid2(256, out var table));
        Assert.Equal(2480u, table.Single(e => e.Function == 0xD && e.Index == 1).Ebx); // R16: 0x2E7 | CET = 2480
        Assert.Equal(0xA88u, table.Single(e => e.Function == 0xD && e.Index == 0).Ebx); // corpus 0xD.0 ECX
    }

    [Fact]
    public void CetMsrs_LiveInTheGuestXstate_R84()
    {
        var host = TigerLake();
        host.NewVcpu(GuestCpuid(0x2E7, 0xF, xss: 0x1800, shstk: true, ibt: true));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrPl0Ssp, 0x1000)));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrUCet, 1)));
        Assert.Equal(0x1000UL, host.Do(new GetMsrOp(0, MsrPl0Ssp)).Value);
        Assert.Equal(1UL, host.Do(new GetMsrOp(0, MsrUCet)).Value);
        var v = host.Vcpu(0);
        Assert.Equal(0x1800UL, v.Fpstate!.XstateBv.Bits & 0x1800); // both CET components now hold data
        Assert.False(v.FpuLoaded);                                    // loaded around the access only
        Assert.Equal(0, host.R(new SetMsrOp(0, MsrPl0Ssp, 0x1001)));    // not 4-byte aligned
        Assert.Equal(0, host.R(new SetMsrOp(0, MsrPl0Ssp, 0x0000_8000_0000_0000))); // not canonical
        Assert.Equal(0, host.R(new SetMsrOp(0, MsrUCet, 1UL << 6)));   // reserved
    }

    [Fact]
    public void CetMsrs_GuestWithoutCet_Unsupported_R84()
    {
        var host = TigerLake();
        host.NewVcpu(GuestCpuid(0x2E7, 0xF, xss: 0x1800));
        Assert.Equal(0, host.R(new SetMsrOp(0, MsrPl0Ssp, 0x1000)));
        Assert.Equal(0, host.R(new SetMsrOp(0, MsrUCet, 1)));
        Assert.Equal(0UL, host.Vcpu(0).Fpstate!.XstateBv.Bits & 0x1800);
    }

    // ---- INIT: R91, H7, H9 ----

    [Fact]
    public void Init_ZeroesMpxState_KeepsHeaderBitsAndEverythingElse_R91()
    {
        var host = Skylake();
        host.NewVcpu(GuestCpuid(0x1F, 0xF));
        Assert.Equal(0, host.R(new SetXcrsOp(0, 0, [new(0, 0x1F)])));
        var image = Image(host.Cpu, 4096, 0x1F);
        Assert.Equal(0, host.R(new SetXsaveOp(0, image)));
        Assert.Equal(0, host.R(new VcpuInitOp(0)));

        var get = host.Do(new GetXsaveOp(0)).Data!;
        Assert.Equal(0x1FUL, U64(get, 512));                                        // header bits left set
        Assert.True(get.AsSpan(0x3C0, 128).IndexOfAnyExcept((byte)0) < 0);         // BNDREGS 0x3C0, BNDCSR 0x400 (corpus)
        Assert.Equal(image.AsSpan(576, 256).ToArray(), get.AsSpan(576, 256).ToArray()); // AVX kept (R29)
        Assert.Equal(image.AsSpan(0, 24).ToArray(), get.AsSpan(0, 24).ToArray());      // x87 kept
        Assert.Equal(image.AsSpan(160, 256).ToArray(), get.AsSpan(160, 256).ToArray()); // SSE kept
        Assert.Equal(0x1FUL, host.Do(new GetXcrsOp(0)).Value);                     // XCR0 unchanged
    }

    [Fact]
    public void Init_WhileRunning_PutsAndReloadsTheGuestFpu_H7()
    {
        var host = Skylake();
        host.NewVcpu(GuestCpuid(0x1F, 0xF));
        Assert.Equal(0, host.R(new SetXsaveOp(0, Image(host.Cpu, 4096, 0x1F))));
        var run = host.Do(new KvmRunOp(0, [new InitWhileRunning(), new HostKernelFpuUse(), new InitWhileRunning()]));
        Assert.Equal(0, run.Result);
        Assert.Null(run.Signal); // no KVM_BUG: load/put stayed balanced (I20)
        var get = host.Do(new GetXsaveOp(0)).Data!;
        Assert.True(get.AsSpan(0x3C0, 128).IndexOfAnyExcept((byte)0) < 0);
        Assert.False(host.Vcpu(0).FpuLoaded);
    }

    [Fact]
    public void Init_ClearsCetState_R91()
    {
        var host = TigerLake();
        host.NewVcpu(GuestCpuid(0x2E7, 0xF, xss: 0x1800, shstk: true));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrPl0Ssp, 0x1000)));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrPl3Ssp, 0x2000)));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrXss, 0x1800)));
        Assert.Equal(0, host.R(new VcpuInitOp(0)));
        Assert.Equal(0UL, host.Do(new GetMsrOp(0, MsrPl0Ssp)).Value);
        Assert.Equal(0UL, host.Do(new GetMsrOp(0, MsrPl3Ssp)).Value);
        Assert.Equal(0x1800UL, host.Vcpu(0).Xss.Bits); // XSS unchanged by INIT
    }

    [Fact]
    public void Init_OnACpuWithoutMpxOrCet_ChangesNothing_Ko4c()
    {
        var host = new KvmHost(ObservedHost.Zen5() with { Flags = ObservedHost.Zen5().Flags with { Shstk = false } });
        host.NewVcpu(GuestCpuid(0xE7, 0xF));
        Assert.Equal(0, host.R(new SetXcrsOp(0, 0, [new(0, 0xE7)])));
        Assert.Equal(0, host.R(new SetXsaveOp(0, Image(host.Cpu, 4096, 0xE7))));
        var before = host.Kernel.Snapshot()!.Vcpus[0];
        Assert.Equal(0, host.R(new VcpuInitOp(0)));
        Assert.Equal(before, host.Kernel.Snapshot()!.Vcpus[0]);
    }

    // ---- KVM_RUN: R86 ----

    [Fact]
    public void Run_LeavesTheThreadsOwnFpstateActive_R86_I20()
    {
        var host = SprWithAmxGuest();
        var threadBefore = host.Kernel.Snapshot()!.Processes[0].Threads[0];
        var run = host.Do(new KvmRunOp(0, [new GuestWritePkru(0x55555554), new HostKernelFpuUse(), new GuestRdmsr(MsrXfdErr)]));
        Assert.Equal(new[] { "completed", "completed", "value=0x0" }, run.Exits!.Select(e => e.ToString()));
        var after = host.Kernel.Snapshot()!;
        Assert.Equal(threadBefore, after.Processes[0].Threads[0]);
        Assert.False(after.Vcpus[0].FpuLoaded);
        Assert.Equal(0x55555554u, after.Vcpus[0].Pkru);
        Assert.True(ReferenceEquals(host.Kernel.Groups[0].Leader.Fpstate, host.Kernel.Groups[0].Leader.Own));
    }
}
