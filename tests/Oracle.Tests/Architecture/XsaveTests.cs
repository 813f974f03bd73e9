namespace Xsave.Oracle.Tests.Architecture;

/// <summary>XSAVE, standard format (SPEC R19): every row of KO §5a on the host model, plus R19's component writes.</summary>
public class XsaveTests
{
    private static readonly CpuModel Cpu = HostCpu.Zen5;

    [Fact]
    public void Xsave_XstateBv_KeepsOldBitsOutsideRfbm()
    {
        // KO §5a row 1: old XSTATE_BV ~0, RFBM = 3, all init -> 0xfffffffffffffffd. Bit 0 is 1 because x87 stays in
        // use once a program touched it (KO §1c: fld1/fstp/fninit all leave XINUSE = 0x01).
        var state = HostCpu.UserState() with { XinUse = FeatureMask.Of(XFeature.Fp) };
        var buffer = HostCpu.CcBuffer().WithXstateBv(FeatureMask.All);

        var after = Ok(RunXsave(Cpu, state, 3, buffer)).Buffer!;

        Assert.Equal(0xfffffffffffffffdUL, after.ReadXstateBv().Bits);
    }

    [Theory]
    // R19: XSTATE_BV := (OLD_BV & ~RFBM) | (XINUSE & RFBM), RFBM = XCR0 & EDX:EAX with XCR0 = 0xe7.
    [InlineData(0x0UL, 0xA2UL, 0xE7UL, 0xA2UL)]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, 0x0UL, 0x3UL, 0xFFFFFFFFFFFFFFFCUL)]
    [InlineData(0x8000000000000100UL, 0x24UL, 0xFFFFFFFFFFFFFFFFUL, 0x8000000000000124UL)]
    [InlineData(0x5UL, 0x2UL, 0x2UL, 0x7UL)]
    public void Xsave_XstateBv_FollowsR19Formula(ulong oldBv, ulong xinuse, ulong edxEax, ulong expected)
    {
        var state = HostCpu.UserState() with { XinUse = new FeatureMask(xinuse) };
        var after = Ok(RunXsave(Cpu, state, edxEax, HostCpu.CcBuffer().WithXstateBv(new FeatureMask(oldBv)))).Buffer!;
        Assert.Equal(expected, after.ReadXstateBv().Bits);
    }

    [Fact]
    public void Xsave_NeverWritesXcompBvOrHeaderBytes16To63()
    {
        // KO §5a row 2: XCOMP_BV = 0x1234 and 0x77 in header bytes 16..63 survive.
        var buffer = HostCpu.CcBuffer().WithXcompBv(new FeatureMask(0x1234)).WithBytes(528, Fill(48, 0x77));

        var after = Ok(RunXsave(Cpu, HostCpu.UserState(), ulong.MaxValue, buffer)).Buffer!;

        Assert.Equal(0x1234UL, after.ReadXcompBv().Bits);
        Assert.True(AllEqual(after, 528, 576, 0x77));
    }

    [Fact]
    public void Xsave_WritesInitComponentsWithInitValues()
    {
        // KO §5a row 3: all init, RFBM = 4 writes 256 zero bytes at 576.
        var after = Ok(RunXsave(Cpu, HostCpu.UserState(), 4, HostCpu.CcBuffer())).Buffer!;
        Assert.True(AllEqual(after, 576, 832, 0x00));
    }

    [Fact]
    public void Xsave_WritesX87InitImage_WhenX87NotInUse()
    {
        // R17, R19: x87 init configuration is FCW = 0x037F and zeros; bytes 24..31 are MXCSR/MXCSR_MASK, not x87.
        var after = Ok(RunXsave(Cpu, HostCpu.UserState(), 1, HostCpu.CcBuffer())).Buffer!;
        Assert.Equal(0x037F, after.ReadUInt16(0));
        Assert.True(AllEqual(after, 2, 24, 0x00));
        Assert.True(AllEqual(after, 32, 160, 0x00));
    }

    [Theory]
    // KO §5a row 4: MXCSR + MXCSR_MASK (24..31) written iff RFBM[1] or RFBM[2].
    [InlineData(0x1UL, false)]
    [InlineData(0x4UL, true)]
    [InlineData(0x2UL, true)]
    [InlineData(0x20UL, false)]
    public void Xsave_WritesMxcsrAndMask_IffRfbmHasSseOrAvx(ulong rfbm, bool written)
    {
        var after = Ok(RunXsave(Cpu, HostCpu.UserState(), rfbm, HostCpu.CcBuffer())).Buffer!;
        if (written)
        {
            Assert.Equal(0x1F80u, after.ReadUInt32(24));
            Assert.Equal(0x2FFFFu, after.ReadUInt32(28)); // MXCSR_MASK of Zen 5 (KO §3c)
        }
        else
        {
            Assert.True(AllEqual(after, 24, 32, 0xCC));
        }
    }

    [Fact]
    public void Xsave_RfbmZero_WritesNothing()
    {
        // KO §5a row 5.
        var buffer = HostCpu.CcBuffer();
        var after = Ok(RunXsave(Cpu, HostCpu.UserState() with { XinUse = new FeatureMask(0xE7) }, 0, buffer)).Buffer!;
        Assert.Equal(buffer, after);
    }

    [Fact]
    public void Xsave_RfbmAllOnes_SameAsXcr0()
    {
        // KO §5a row 6: RFBM = EDX:EAX & XCR0.
        var state = StateWithEverythingInUse();
        Assert.Equal(RunXsave(Cpu, state, 0xE7, HostCpu.CcBuffer()), RunXsave(Cpu, state, ulong.MaxValue, HostCpu.CcBuffer()));
    }

    [Fact]
    public void Xsave_NeverWritesBytes416To511OrBeyondTheStandardSize()
    {
        // KO §5a row 7: bytes 416..511 and > 2432 (CPUID.(0xD,0).EBX) never written.
        var after = Ok(RunXsave(Cpu, StateWithEverythingInUse(), ulong.MaxValue, HostCpu.CcBuffer())).Buffer!;
        Assert.True(AllEqual(after, 416, 512, 0xCC));
        Assert.True(AllEqual(after, 2432, 4096, 0xCC));
    }

    [Fact]
    public void Xsave_AfterVzeroupper_ReportsSseButNotAvx()
    {
        // KO §5a row 8: ymm0 dirty -> vzeroupper (XINUSE = 0x02, KO §1c) -> XSAVE(7): XSTATE_BV[2] = 0, [1] = 1.
        var state = HostCpu.UserState().WithComponent(XFeature.Sse, Pattern(256, 1));
        var bv = Ok(RunXsave(Cpu, state, 7, HostCpu.CcBuffer())).Buffer!.ReadXstateBv();
        Assert.True(bv.Contains(XFeature.Sse));
        Assert.False(bv.Contains(XFeature.Ymm));
    }

    [Fact]
    public void Xsave_AfterVexZeroing_ReportsNeitherSseNorAvx()
    {
        // KO §5a row 9: vpxor xmm0 (VEX.128) leaves XINUSE = 0 (KO §1c) -> XSTATE_BV[1] = [2] = 0.
        var bv = Ok(RunXsave(Cpu, HostCpu.UserState(), 7, HostCpu.CcBuffer())).Buffer!.ReadXstateBv();
        Assert.False(bv.Contains(XFeature.Sse));
        Assert.False(bv.Contains(XFeature.Ymm));
    }

    [Fact]
    public void Xsave_MxcsrNotInit_CountsSseAsInUse()
    {
        // KO §5a row 10: all registers zero but MXCSR = 0x1fc0 -> XSAVE(3): XSTATE_BV[1] = 1 (R21 modelling decision).
        var state = HostCpu.UserState() with { Mxcsr = 0x1FC0 };
        var after = Ok(RunXsave(Cpu, state, 3, HostCpu.CcBuffer())).Buffer!;
        Assert.True(after.ReadXstateBv().Contains(XFeature.Sse));
        Assert.Equal(0x1FC0u, after.ReadUInt32(24));
    }

    [Fact]
    public void Xsave_WritesRegistersAtStandardOffsets()
    {
        // R12, R14, R19: x87 at 0..159 around MXCSR, XMM at 160, YMM_Hi128 at CPUID.(0xD,2).EBX = 576, opmask at 832,
        // ZMM_Hi256 at 896, Hi16_ZMM at 1408 (KO §1a).
        var state = StateWithEverythingInUse();
        var after = Ok(RunXsave(Cpu, state, ulong.MaxValue, HostCpu.CcBuffer())).Buffer!;

        var x87 = state.Component(XFeature.Fp).AsSpan();
        Assert.True(after.Span(0, 24).SequenceEqual(x87[..24]));
        Assert.True(after.Span(32, 128).SequenceEqual(x87[32..]));
        Assert.True(after.Span(160, 256).SequenceEqual(state.Component(XFeature.Sse).AsSpan()));
        Assert.True(after.Span(576, 256).SequenceEqual(state.Component(XFeature.Ymm).AsSpan()));
        Assert.True(after.Span(832, 64).SequenceEqual(state.Component(XFeature.Opmask).AsSpan()));
        Assert.True(after.Span(896, 512).SequenceEqual(state.Component(XFeature.ZmmHi256).AsSpan()));
        Assert.True(after.Span(1408, 1024).SequenceEqual(state.Component(XFeature.Hi16Zmm).AsSpan()));
        // R19: XSTATE_BV = (old 0xCC.. & ~RFBM) | (XINUSE & RFBM), RFBM = XINUSE = 0xe7.
        Assert.Equal((0xCCCCCCCCCCCCCCCCUL & ~0xE7UL) | 0xE7UL, after.ReadXstateBv().Bits);
    }

    [Fact]
    public void Xsave_DoesNotChangeTheMachineState()
    {
        var state = StateWithEverythingInUse();
        Assert.Equal(state, Ok(RunXsave(Cpu, state, ulong.MaxValue, HostCpu.CcBuffer())).State);
    }

    /// <summary>Host user state with x87, SSE, AVX and AVX-512 registers all holding non-init patterns.</summary>
    internal static MachineState StateWithEverythingInUse() =>
        HostCpu.UserState()
            .WithComponent(XFeature.Fp, X87Pattern(10))
            .WithComponent(XFeature.Sse, Pattern(256, 20))
            .WithComponent(XFeature.Ymm, Pattern(256, 30))
            .WithComponent(XFeature.Opmask, Pattern(64, 40))
            .WithComponent(XFeature.ZmmHi256, Pattern(512, 50))
            .WithComponent(XFeature.Hi16Zmm, Pattern(1024, 60));

    /// <summary>Every component enabled in XCR0 | XSS holding a pattern (in use), x87 keeping its MXCSR hole zero.</summary>
    internal static MachineState FillAll(MachineState state, int seed)
    {
        foreach (int i in state.Components.Keys.Where((state.Xcr0 | state.Xss).Contains))
            state = state.WithComponent(i, i == 0 ? X87Pattern(seed) : Pattern(state.Component(i).Length, seed + i));
        return state;
    }
}
