using static Xsave.Oracle.Tests.Architecture.XrstorFaultTests;

namespace Xsave.Oracle.Tests.Architecture;

/// <summary>What XRSTOR loads and initializes (SPEC R23, R24, R26): every row of KO §5e, and the I4 round trips.</summary>
public class XrstorEffectTests
{
    private static readonly CpuModel Cpu = HostCpu.Zen5;

    [Fact]
    public void Xrstor_Standard_InitializesComponentWithXstateBvClear()
    {
        // KO §5e row 1: RFBM = 7, XSTATE_BV = 0x3, YMM image non-zero -> ymm0[255:128] := 0.
        var state = HostCpu.UserState().WithComponent(XFeature.Ymm, Pattern(256, 5));
        var buffer = StandardImage(0x3).WithBytes(576, Pattern(256, 9));

        var after = Ok(RunXrstor(Cpu, state, 7, buffer)).State;

        Assert.True(after.Component(XFeature.Ymm).AsSpan().SequenceEqual(new byte[256]));
        Assert.False(after.XinUse.Contains(XFeature.Ymm));
    }

    [Theory]
    // KO §5e rows 2 and 3: standard form, RFBM = 7, MXCSR image 0x1fc0 -> MXCSR := 0x1fc0 whatever XSTATE_BV[1].
    [InlineData(0x0UL)]
    [InlineData(0x1UL)]
    public void Xrstor_Standard_LoadsMxcsr_EvenWhenSseIsInitialized(ulong xstateBv)
    {
        var after = Ok(RunXrstor(Cpu, HostCpu.UserState(), 7, StandardImage(xstateBv).WithUInt32(24, 0x1FC0))).State;
        Assert.Equal(0x1FC0u, after.Mxcsr);
    }

    [Fact]
    public void Xrstor_Standard_LoadsMxcsr_WhenOnlyAvxRequested()
    {
        // R23, SDM XRSTOR footnote: RFBM[1] = 0 and RFBM[2] = 1 -> the standard form still loads MXCSR.
        var after = Ok(RunXrstor(Cpu, HostCpu.UserState(), 0x4, StandardImage(0x0).WithUInt32(24, 0x1FC0))).State;
        Assert.Equal(0x1FC0u, after.Mxcsr);
    }

    [Fact]
    public void Xrstor_Compacted_InitializesMxcsr_WhenSseIsInitialized()
    {
        // KO §5e row 4: compacted, RFBM = 7, XSTATE_BV = 0x1, MXCSR image 0x1fc0 -> MXCSR := 0x1f80.
        var state = HostCpu.UserState() with { Mxcsr = 0x1FA0 };
        var after = Ok(RunXrstor(Cpu, state, 7, CompactedImage(0x1, 0x7).WithUInt32(24, 0x1FC0))).State;
        Assert.Equal(0x1F80u, after.Mxcsr);
    }

    [Fact]
    public void Xrstor_Compacted_LeavesMxcsr_WhenSseNotRequested()
    {
        // R24: in the compacted form MXCSR is part of SSE: RFBM[1] = 0 -> MXCSR untouched, even with RFBM[2] = 1.
        var state = HostCpu.UserState() with { Mxcsr = 0x1FA0 };
        var after = Ok(RunXrstor(Cpu, state, 0x5, CompactedImage(0x0, 0x7).WithUInt32(24, 0x1FC0))).State;
        Assert.Equal(0x1FA0u, after.Mxcsr);
    }

    [Fact]
    public void Xrstor_IgnoresBytes416To511()
    {
        // KO §5e row 5: garbage in 416..511 is ignored.
        var clean = Ok(RunXrstor(Cpu, HostCpu.UserState(), ulong.MaxValue, StandardImage())).State;
        var dirty = Ok(RunXrstor(Cpu, HostCpu.UserState(), ulong.MaxValue, StandardImage().WithBytes(416, Fill(96, 0x5A)))).State;
        Assert.Equal(clean, dirty);
    }

    [Fact]
    public void Xrstor_Standard_LoadsRegistersFromStandardOffsets()
    {
        // R12, R14, R23: x87 from 0..159 without 24..31, XMM from 160, YMM_Hi128 from 576, opmask from 832 (KO §1a).
        var x87 = X87Pattern(3);
        var buffer = StandardImage(0x27)
            .WithBytes(0, x87.AsSpan(0, 24)).WithBytes(32, x87.AsSpan(32))
            .WithBytes(160, Pattern(256, 4)).WithBytes(576, Pattern(256, 5)).WithBytes(832, Pattern(64, 6));

        var after = Ok(RunXrstor(Cpu, HostCpu.UserState(), ulong.MaxValue, buffer)).State;

        Assert.True(after.Component(XFeature.Fp).AsSpan().SequenceEqual(x87));
        Assert.True(after.Component(XFeature.Sse).AsSpan().SequenceEqual(Pattern(256, 4)));
        Assert.True(after.Component(XFeature.Ymm).AsSpan().SequenceEqual(Pattern(256, 5)));
        Assert.True(after.Component(XFeature.Opmask).AsSpan().SequenceEqual(Pattern(64, 6)));
        // Modelling decision: for i in RFBM, XINUSE[i] := XSTATE_BV[i].
        Assert.Equal(new FeatureMask(0x27), after.XinUse);
    }

    [Fact]
    public void Xrstor_LeavesComponentsOutsideRfbmUnchanged()
    {
        // R26: components with RFBM[i] = 0 are never modified (nor their XINUSE bits).
        var state = XsaveTests.StateWithEverythingInUse();
        var after = Ok(RunXrstor(Cpu, state, 0x7, StandardImage(0x0))).State;

        foreach (var f in new[] { XFeature.Opmask, XFeature.ZmmHi256, XFeature.Hi16Zmm })
        {
            Assert.True(after.Component(f).AsSpan().SequenceEqual(state.Component(f).AsSpan()));
            Assert.True(after.XinUse.Contains(f));
        }
        Assert.Equal(new FeatureMask(0xE0), after.XinUse);
    }

    [Fact]
    public void Xrstor_Compacted_LoadsFromOffsetsOfXcompBv_AndInitializesRfbmBitsOutsideIt()
    {
        // R15 (KO §5b row 0xa4): XCOMP_BV = bit 63 | 0xa4 puts YMM at 576, opmask at 832, Hi16_ZMM at 896.
        // R26: RFBM bits outside XCOMP_BV (x87, SSE, ZMM_Hi256) are initialized.
        var buffer = CompactedImage(0xA4, 0xA4)
            .WithBytes(576, Pattern(256, 1)).WithBytes(832, Pattern(64, 2)).WithBytes(896, Pattern(1024, 3));

        var after = Ok(RunXrstor(Cpu, XsaveTests.StateWithEverythingInUse(), ulong.MaxValue, buffer)).State;

        Assert.True(after.Component(XFeature.Ymm).AsSpan().SequenceEqual(Pattern(256, 1)));
        Assert.True(after.Component(XFeature.Opmask).AsSpan().SequenceEqual(Pattern(64, 2)));
        Assert.True(after.Component(XFeature.Hi16Zmm).AsSpan().SequenceEqual(Pattern(1024, 3)));
        Assert.True(after.Component(XFeature.ZmmHi256).AsSpan().SequenceEqual(new byte[512]));
        Assert.True(after.Component(XFeature.Fp).AsSpan().SequenceEqual(MachineState.InitImage(0, 160)));
        Assert.Equal(new FeatureMask(0xA4), after.XinUse);
        Assert.Equal(0x1F80u, after.Mxcsr);
    }

    [Fact]
    public void Xrstor_Compacted_GP_OnCpuWithoutXsavec()
    {
        // R24: compacted XRSTOR on a CPU without XSAVEC is #GP, not #UD. Haswell has no XSAVEC (corpus).
        var cpu = TestSupport.Corpus.Cpu("intel-haswell-306c3-v2");
        var state = MachineState.Init(cpu) with { Xcr0 = new FeatureMask(0x7) };
        var buffer = XsaveBuffer.Zeroed(1024).WithXcompBv(ArchMasks.CompactedFormat);

        var fault = FaultOf(RunXrstor(cpu, state, 7, buffer));
        Assert.Equal(FaultKind.GP, fault.Kind);
        Assert.Equal("R24", fault.Rule);
    }

    public static TheoryData<string, ulong, ulong> RoundTripCpus() => new()
    {
        // CPU, XCR0 (a legal value for it, R9), XINUSE pattern to fill.
        { "host", 0xE7, 0xE7 },
        { "host", 0xE7, 0xA2 },
        { "intel-sapphirerapids-806f8", 0x602E7, 0x602E7 },
        { "intel-sapphirerapids-806f8", 0x602E7, 0x40004 },
        { "intel-skylakexeon-50654", 0x2FF, 0x21B },
    };

    [Theory]
    [MemberData(nameof(RoundTripCpus))]
    public void RoundTrip_XsavecThenCompactedXrstor_RestoresTheSameState(string cpuId, ulong xcr0, ulong inUse)
    {
        // I4: XSAVEC -> XRSTOR (compacted) never faults on a zeroed buffer and restores the same architectural state.
        var (cpu, original) = PatternedState(cpuId, xcr0, inUse, cpl: 3);
        var saved = Ok(RunXsavec(cpu, original, ulong.MaxValue, XsaveBuffer.Zeroed(16384))).Buffer!;

        var scrambled = MachineState.Init(cpu) with { Xcr0 = original.Xcr0, Cpl = 3, Mxcsr = 0x1FA0 };
        scrambled = XsaveTests.FillAll(scrambled, seed: 99);
        var restored = Ok(RunXrstor(cpu, scrambled, ulong.MaxValue, saved)).State;

        Assert.Equal(original, restored);
    }

    [Theory]
    [MemberData(nameof(RoundTripCpus))]
    public void RoundTrip_XsaveThenStandardXrstor_RestoresTheSameState(string cpuId, ulong xcr0, ulong inUse)
    {
        var (cpu, original) = PatternedState(cpuId, xcr0, inUse, cpl: 3);
        var saved = Ok(RunXsave(cpu, original, ulong.MaxValue, XsaveBuffer.Zeroed(16384))).Buffer!;

        var scrambled = XsaveTests.FillAll(MachineState.Init(cpu) with { Xcr0 = original.Xcr0, Cpl = 3, Mxcsr = 0x1FA0 }, 77);
        var restored = Ok(RunXrstor(cpu, scrambled, ulong.MaxValue, saved)).State;

        Assert.Equal(original, restored);
    }

    /// <summary>
    /// A state of the named CPU ("host" = KO §1a) with XCR0 = <paramref name="xcr0"/> and the components of
    /// <paramref name="inUse"/> (within XCR0 | XSS) holding patterns; every other component in init configuration.
    /// </summary>
    internal static (CpuModel Cpu, MachineState State) PatternedState(string cpuId, ulong xcr0, ulong inUse, int cpl,
        ulong xss = 0)
    {
        var cpu = cpuId == "host" ? HostCpu.Zen5 : TestSupport.Corpus.Cpu(cpuId);
        var state = MachineState.Init(cpu) with { Xcr0 = new FeatureMask(xcr0), Xss = new FeatureMask(xss), Cpl = cpl };
        foreach (int i in new FeatureMask(inUse & (xcr0 | xss)).Indices())
        {
            int size = state.Component(i).Length;
            state = state.WithComponent(i, i == 0 ? X87Pattern(i + 11) : Pattern(size, i + 11));
        }
        // MXCSR != 0x1F80 counts as SSE in use (R17), so it is only non-init when SSE is in use.
        if (state.XinUse.Contains(XFeature.Sse)) state = state with { Mxcsr = 0x1FC0 };
        return (cpu, state);
    }
}
