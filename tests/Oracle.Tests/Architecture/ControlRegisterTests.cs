namespace Xsave.Oracle.Tests.Architecture;

/// <summary>XGETBV (R17, KO §1b/§1c), XSETBV (R8, R9) and WRMSR IA32_XSS (R10).</summary>
public class ControlRegisterTests
{
    private static readonly CpuModel Cpu = HostCpu.Zen5;

    private static ulong Returned(InstructionOutcome outcome) =>
        Ok(outcome).ReturnedValue ?? throw new Xunit.Sdk.XunitException("no value returned");

    [Fact]
    public void Xgetbv0_ReturnsXcr0() =>
        // KO §1b: xgetbv ECX=0 -> 0xe7.
        Assert.Equal(0xE7UL, Returned(Run(Cpu, HostCpu.UserState(), new XgetbvOp(0))));

    [Fact]
    public void Xgetbv1_ReturnsXcr0AndXinuse()
    {
        // KO §1b: at main entry XINUSE reads 0xa2 (glibc leaves opmask/Hi16_ZMM and SSE dirty). R17: XCR0 & XINUSE.
        var state = HostCpu.UserState() with { XinUse = new FeatureMask(0xA2) };
        Assert.Equal(0xA2UL, Returned(Run(Cpu, state, new XgetbvOp(1))));

        var disabled = state with { Xcr0 = new FeatureMask(0x7) };
        Assert.Equal(0x2UL, Returned(Run(Cpu, disabled, new XgetbvOp(1))));
    }

    [Theory]
    // KO §1c last row: ldmxcsr 0x1fc0 -> XINUSE 0x03, ldmxcsr 0x1f80 -> 0x01 (x87 in use throughout).
    [InlineData(0x1FC0u, 0x03UL)]
    [InlineData(0x1F80u, 0x01UL)]
    public void Xgetbv1_CountsSseInUse_WhenMxcsrNotInit(uint mxcsr, ulong expected)
    {
        var state = HostCpu.UserState() with { XinUse = FeatureMask.Of(XFeature.Fp), Mxcsr = mxcsr };
        Assert.Equal(expected, Returned(Run(Cpu, state, new XgetbvOp(1))));
    }

    [Theory]
    // KO §1b: ECX = 2 -> #GP (SI_KERNEL); SDM: every ECX other than 0 and 1 faults.
    [InlineData(2u)]
    [InlineData(0xFFFFFFFFu)]
    public void Xgetbv_GP_ForOtherEcx(uint ecx) =>
        Assert.Equal(FaultKind.GP, FaultOf(Run(Cpu, HostCpu.UserState(), new XgetbvOp(ecx))).Kind);

    [Fact]
    public void Xgetbv1_GP_WithoutXgetbv1()
    {
        // R17, R5: ECX = 1 needs CPUID.(0xD,1).EAX[2]; Haswell enumerates only XSAVEOPT (corpus).
        var cpu = TestSupport.Corpus.Cpu("intel-haswell-306c3-v2");
        var state = MachineState.Init(cpu) with { Xcr0 = new FeatureMask(0x7) };
        Assert.Equal(FaultKind.GP, FaultOf(Run(cpu, state, new XgetbvOp(1))).Kind);
        Assert.Equal(0x7UL, Returned(Run(cpu, state, new XgetbvOp(0))));
    }

    [Fact]
    public void Xgetbv_UD_WhenOsxsaveClear() =>
        Assert.Equal(FaultKind.UD, FaultOf(Run(Cpu, HostCpu.UserState() with { Cr4Osxsave = false }, new XgetbvOp(0))).Kind);

    [Fact]
    public void Xsetbv_WritesXcr0_AndReportsDisabledComponentsUnspecified()
    {
        var kernel = HostCpu.UserState() with { Cpl = 0 };
        var outcome = Ok(Run(Cpu, kernel, new XsetbvOp(0, new FeatureMask(0x7))));
        Assert.Equal(new FeatureMask(0x7), outcome.State.Xcr0);
        Assert.Equal(new FeatureMask(0xE0), outcome.UnspecifiedComponents);
    }

    [Theory]
    // R8/R9: AVX without SSE; x87 clear; bit 3 not supported on the host (KO §1a); AVX-512 partial; bit 63; XSS bit.
    [InlineData(0x5UL)]
    [InlineData(0x6UL)]
    [InlineData(0xFUL)]
    [InlineData(0x27UL)]
    [InlineData(0x80000000000000E7UL)]
    [InlineData(0x8E7UL)]
    public void Xsetbv_GP_ForInvalidXcr0(ulong value)
    {
        var kernel = HostCpu.UserState() with { Cpl = 0 };
        var outcome = Run(Cpu, kernel, new XsetbvOp(0, new FeatureMask(value)));
        Assert.Equal(FaultKind.GP, FaultOf(outcome).Kind);
        Assert.Equal(kernel, outcome.State);
    }

    [Fact]
    public void Xsetbv_GP_WhenEcxNotZero() =>
        Assert.Equal(FaultKind.GP, FaultOf(Run(Cpu, HostCpu.UserState() with { Cpl = 0 }, new XsetbvOp(1, new FeatureMask(0x7)))).Kind);

    [Fact]
    public void Xsetbv_UD_WhenOsxsaveClear_EvenAtCpl3() =>
        // Fault order: #UD (step 1) before #GP(CPL) (step 3).
        Assert.Equal(FaultKind.UD,
            FaultOf(Run(Cpu, HostCpu.UserState() with { Cr4Osxsave = false }, new XsetbvOp(0, new FeatureMask(0x7)))).Kind);

    [Theory]
    // R10: IA32_XSS accepts bits of CPUID.(0xD,1).EDX:ECX = 0x1800 on the host (KO §1a); no architectural pairing.
    [InlineData(0x1800UL)]
    [InlineData(0x800UL)]
    [InlineData(0x0UL)]
    public void Wrmsr_Xss_AcceptsSupportedSupervisorBits(ulong value)
    {
        var outcome = Ok(Run(Cpu, MachineState.Init(Cpu), new WrmsrOp(ArchMsr.Xss, new FeatureMask(value))));
        Assert.Equal(new FeatureMask(value), outcome.State.Xss);
    }

    [Theory]
    [InlineData(0x4UL)]     // a user bit
    [InlineData(0x100UL)]   // PT: not supported by the host
    public void Wrmsr_Xss_GP_ForUnsupportedBits(ulong value) =>
        Assert.Equal(FaultKind.GP, FaultOf(Run(Cpu, MachineState.Init(Cpu), new WrmsrOp(ArchMsr.Xss, new FeatureMask(value)))).Kind);

    [Fact]
    public void Wrmsr_Xss_GP_AtCpl3() =>
        Assert.Equal(FaultKind.GP, FaultOf(Run(Cpu, HostCpu.UserState(), new WrmsrOp(ArchMsr.Xss, new FeatureMask(0x800)))).Kind);

    [Fact]
    public void Wrmsr_Xss_GP_OnCpuWithoutXsaves()
    {
        // R5: IA32_XSS comes with XSAVES (CPUID.(0xD,1).EAX[3]); Haswell has none (corpus): even 0 is refused.
        var cpu = TestSupport.Corpus.Cpu("intel-haswell-306c3-v2");
        Assert.Equal(FaultKind.GP, FaultOf(Run(cpu, MachineState.Init(cpu), new WrmsrOp(ArchMsr.Xss, FeatureMask.None))).Kind);
    }

    [Fact]
    public void Wrmsr_Xss_ReportsDisabledSupervisorComponentsUnspecified()
    {
        var state = MachineState.Init(Cpu) with { Xss = new FeatureMask(0x1800) };
        var outcome = Ok(Run(Cpu, state, new WrmsrOp(ArchMsr.Xss, new FeatureMask(0x800))));
        Assert.Equal(new FeatureMask(0x1000), outcome.UnspecifiedComponents);
    }
}
