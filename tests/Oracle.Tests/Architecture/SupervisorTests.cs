namespace Xsave.Oracle.Tests.Architecture;

/// <summary>
/// XSAVES and XRSTORS (SPEC R22, R25), from the rule text: the host cannot run them at CPL 3 (KO §5d). Sapphire Rapids
/// (corpus) supplies supervisor components: XSS-supported 0xdd00 includes CET_U (11) and CET_S (12).
/// </summary>
public class SupervisorTests
{
    private static readonly CpuModel Spr = TestSupport.Corpus.Cpu("intel-sapphirerapids-806f8");
    private const ulong SprXcr0 = 0x602E7;
    private const ulong Cet = 0x1800;

    private static MachineState Kernel(ulong xss = Cet) =>
        MachineState.Init(Spr) with { Xcr0 = new FeatureMask(SprXcr0), Xss = new FeatureMask(xss) };

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Xsaves_GP_WhenCplNotZero(int cpl)
    {
        var fault = FaultOf(RunXsaves(Spr, Kernel() with { Cpl = cpl }, ulong.MaxValue, XsaveBuffer.Zeroed(12288)));
        Assert.Equal(FaultKind.GP, fault.Kind);
        Assert.Equal("R22", fault.Rule);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Xrstors_GP_WhenCplNotZero(int cpl)
    {
        var buffer = XsaveBuffer.Zeroed(12288).WithXcompBv(ArchMasks.CompactedFormat);
        var fault = FaultOf(RunXrstors(Spr, Kernel() with { Cpl = cpl }, ulong.MaxValue, buffer));
        Assert.Equal(FaultKind.GP, fault.Kind);
        Assert.Equal("R25", fault.Rule);
    }

    [Fact]
    public void Xsaves_SavesSupervisorComponentsEnabledInXss()
    {
        // R22: RFBM = (XCR0 | IA32_XSS) & EDX:EAX; XSTATE_BV = in use & RFBM; XCOMP_BV = RFBM | bit 63.
        var state = Kernel().WithComponent(XFeature.CetUser, Fill(16, 0x61)).WithComponent(XFeature.CetKernel, Fill(24, 0x62));
        var after = Ok(RunXsaves(Spr, state, ulong.MaxValue, XsaveBuffer.Zeroed(12288))).Buffer!;

        Assert.Equal(0x80000000000602E7UL | Cet, after.ReadXcompBv().Bits);
        Assert.Equal(Cet, after.ReadXstateBv().Bits);
        // R16: ...PKRU ends at 2440, CET_U 16 bytes at 2440, CET_S 24 bytes at 2456, TILECFG aligned to 2496.
        Assert.True(AllEqual(after, 2440, 2456, 0x61));
        Assert.True(AllEqual(after, 2456, 2480, 0x62));
    }

    [Fact]
    public void Xsaves_HostDefaultSet_PlacesTileCfgAt2496()
    {
        // R16 worked example: SPR host default XCR0 0x202e7 with CET_U: ...2440, CET_U -> 2456, TILECFG align -> 2496,
        // -> 2560.
        var state = (MachineState.Init(Spr) with { Xcr0 = new FeatureMask(0x602E7), Xss = new FeatureMask(0x800) })
            .WithComponent(XFeature.CetUser, Fill(16, 0x61))
            .WithComponent(XFeature.XtileCfg, Fill(64, 0x63));
        var after = Ok(RunXsaves(Spr, state, 0x202E7 | 0x800, XsaveBuffer.Filled(12288, 0xCC))).Buffer!;

        Assert.True(AllEqual(after, 2440, 2456, 0x61));
        Assert.True(AllEqual(after, 2456, 2496, 0xCC));
        Assert.True(AllEqual(after, 2496, 2560, 0x63));
        Assert.True(AllEqual(after, 2560, 12288, 0xCC)); // TILEDATA not requested: the area ends at 2560
    }

    [Fact]
    public void Xsaves_LeavesSupervisorComponentsOut_WhenEdxEaxOmitsThem()
    {
        var state = Kernel().WithComponent(XFeature.CetUser, Fill(16, 0x61));
        var after = Ok(RunXsaves(Spr, state, SprXcr0, XsaveBuffer.Zeroed(12288))).Buffer!;
        Assert.Equal(0x80000000000602E7UL, after.ReadXcompBv().Bits);
        Assert.Equal(0UL, after.ReadXstateBv().Bits);
    }

    [Theory]
    [InlineData(0x602E7UL, Cet, 0x602E7UL | Cet)]
    [InlineData(0x602E7UL, Cet, 0x2UL | 0x800)]
    [InlineData(0x202E7UL, 0x800UL, 0x202E7UL | 0x800)] // Linux host default on SPR (R16)
    public void RoundTrip_XsavesThenXrstors_RestoresTheSameState(ulong xcr0, ulong xss, ulong inUse)
    {
        // I4: XSAVES -> XRSTORS never faults on a zeroed buffer and restores the same architectural state.
        var (cpu, original) = XrstorEffectTests.PatternedState("intel-sapphirerapids-806f8", xcr0, inUse, cpl: 0, xss);
        var saved = Ok(RunXsaves(cpu, original, ulong.MaxValue, XsaveBuffer.Zeroed(12288))).Buffer!;

        var scrambled = XsaveTests.FillAll(original with { Mxcsr = 0x1FA0 }, 55);
        var restored = Ok(RunXrstors(cpu, scrambled, ulong.MaxValue, saved)).State;

        Assert.Equal(original, restored);
    }

    [Fact]
    public void Xrstors_GP_WhenXcompBvBit63Clear()
    {
        var fault = FaultOf(RunXrstors(Spr, Kernel(), ulong.MaxValue, XsaveBuffer.Zeroed(12288)));
        Assert.Equal(FaultKind.GP, fault.Kind);
        Assert.Equal("R25", fault.Rule);
    }

    [Theory]
    [InlineData(0x400UL)]  // PASID: supported by SPR but not enabled in XSS
    [InlineData(0x8UL)]    // MPX: not in XCR0
    public void Xrstors_GP_WhenXcompBvHasBitOutsideXcr0OrXss(ulong extra)
    {
        var buffer = XsaveBuffer.Zeroed(12288).WithXcompBv(new FeatureMask(0x8000000000000000UL | SprXcr0 | Cet | extra));
        Assert.Equal(FaultKind.GP, FaultOf(RunXrstors(Spr, Kernel(), ulong.MaxValue, buffer)).Kind);
    }

    [Fact]
    public void Xrstors_AcceptsSupervisorBitsInXcompBv_WhichCompactedXrstorRejects()
    {
        // R25: XCOMP_BV checked against XCR0 | XSS; R24: compacted XRSTOR checks it against XCR0 only.
        var buffer = XsaveBuffer.Zeroed(12288).WithXcompBv(new FeatureMask(0x8000000000000000UL | SprXcr0 | Cet))
            .WithXstateBv(new FeatureMask(Cet));
        Ok(RunXrstors(Spr, Kernel(), ulong.MaxValue, buffer));
        Assert.Equal(FaultKind.GP, FaultOf(RunXrstor(Spr, Kernel(), ulong.MaxValue, buffer)).Kind);
    }

    [Fact]
    public void Xrstors_GP_WhenXstateBvNotInXcompBv()
    {
        var buffer = XsaveBuffer.Zeroed(12288).WithXcompBv(new FeatureMask(0x8000000000000000UL | 0x3))
            .WithXstateBv(new FeatureMask(0x800));
        Assert.Equal(FaultKind.GP, FaultOf(RunXrstors(Spr, Kernel(), ulong.MaxValue, buffer)).Kind);
    }

    [Theory]
    [InlineData(528)]
    [InlineData(575)]
    public void Xrstors_GP_WhenHeaderBytes16To63NonZero(int offset)
    {
        var buffer = XsaveBuffer.Zeroed(12288).WithXcompBv(ArchMasks.CompactedFormat).WithByte(offset, 1);
        Assert.Equal(FaultKind.GP, FaultOf(RunXrstors(Spr, Kernel(), ulong.MaxValue, buffer)).Kind);
    }

    [Fact]
    public void Xrstors_GP_WhenMxcsrReservedBitsSet_WithIntelMxcsrMask()
    {
        // R25: MXCSR reserved bits #GP when SSE is loaded. 0x21F80 is legal on Zen 5 (mask 0x2ffff, KO §5d) but bit 17
        // is reserved under Intel's MXCSR_MASK 0xffff.
        Assert.Equal(0xFFFFu, Spr.MxcsrMask);
        var buffer = XsaveBuffer.Zeroed(12288).WithXcompBv(new FeatureMask(0x8000000000000003UL))
            .WithXstateBv(new FeatureMask(0x2)).WithUInt32(24, 0x21F80);
        Assert.Equal(FaultKind.GP, FaultOf(RunXrstors(Spr, Kernel(), ulong.MaxValue, buffer)).Kind);
    }

    [Fact]
    public void Xsaves_And_Xrstors_UD_WhenCpuLacksXsaves()
    {
        // R18, R5: CPUID.(0xD,1).EAX[3] = 0 -> #UD. Haswell enumerates only XSAVEOPT (corpus).
        var cpu = TestSupport.Corpus.Cpu("intel-haswell-306c3-v2");
        var state = MachineState.Init(cpu) with { Xcr0 = new FeatureMask(0x7) };
        var buffer = XsaveBuffer.Zeroed(4096).WithXcompBv(ArchMasks.CompactedFormat);
        Assert.Equal(FaultKind.UD, FaultOf(RunXsaves(cpu, state, 7, buffer)).Kind);
        Assert.Equal(FaultKind.UD, FaultOf(RunXrstors(cpu, state, 7, buffer)).Kind);
    }
}
