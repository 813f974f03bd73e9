using static Xsave.Optimized.Tests.Architecture.Instructions.Host;

namespace Xsave.Optimized.Tests.Architecture.Instructions;

/// <summary>XSAVE, standard form (SPEC R19): the rows of KO §5a on the host model.</summary>
public class XsaveTableTests
{
    private static InstructionOutcome Xsave(MachineState s, ulong rfbm, XsaveBuffer b) => Ok(Run(XsaveInstruction.Xsave, s, rfbm, b));

    /// <summary>
    /// KO §5a row 1 and R19: XSTATE_BV := (OLD_BV AND NOT RFBM) OR (XINUSE AND RFBM). The measured row (old ~0, RFBM 3,
    /// x87 left in use by the test program, everything else init) gave 0xfffffffffffffffd.
    /// </summary>
    [Theory]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, 0x3UL, 0x1UL, 0xFFFFFFFFFFFFFFFDUL)]   // KO §5a
    [InlineData(0xCCCCCCCCCCCCCCCCUL, 0xE7UL, 0x0UL, 0xCCCCCCCCCCCCCC08UL)]  // R19: bits 3, 11.. of 0xCC.. survive
    [InlineData(0xCCCCCCCCCCCCCCCCUL, 0x4UL, 0x4UL, 0xCCCCCCCCCCCCCCCCUL)]   // R19: bit 2 in use, bit 2 of 0xCC already 1
    [InlineData(0x0UL, 0xFFFFFFFFFFFFFFFFUL, 0x23UL, 0x23UL)]                 // RFBM = XCR0: XSTATE_BV = XINUSE
    public void Xsave_XstateBv_KeepsOldBitsOutsideRfbm(ulong oldBv, ulong rfbm, ulong xinuse, ulong expected)
    {
        var state = WithPatterns(User(), xinuse);
        var after = Xsave(state, rfbm, Cc().WithXstateBv(new(oldBv))).Buffer!;
        Assert.Equal(expected, after.ReadXstateBv().Bits);
    }

    [Fact]
    public void Xsave_NeverWritesXcompBvOrHeaderBytes16To63()
    {
        // KO §5a row 2: 0x1234 in XCOMP_BV and 0x77 in the reserved bytes survive.
        var before = Cc().WithXcompBv(new(0x1234)).WithByte(540, 0x77);
        var after = Xsave(AllInUse(User()), ulong.MaxValue, before).Buffer!;
        Assert.Equal(0x1234UL, after.ReadXcompBv().Bits);
        Assert.True(after.Span(528, 48).SequenceEqual(before.Span(528, 48)));
    }

    [Fact]
    public void Xsave_WritesInitComponentsInRfbm()
    {
        // KO §5a row 3: all init, RFBM = 4 writes 256 zero bytes at 576.
        var after = Xsave(User(), 0x4, Cc()).Buffer!;
        Assert.True(AllEqual(after, YmmOffset, YmmOffset + 256, 0));
    }

    /// <summary>KO §5a row 4 and R19: MXCSR and MXCSR_MASK (24..31) are written iff RFBM[1] or RFBM[2].</summary>
    [Theory]
    [InlineData(0x1UL, false)]
    [InlineData(0x2UL, true)]
    [InlineData(0x4UL, true)]
    [InlineData(0x5UL, true)]
    [InlineData(0xE0UL, false)]
    public void Xsave_WritesMxcsrIffSseOrAvxRequested(ulong rfbm, bool written)
    {
        var after = Xsave(User() with { Mxcsr = 0x1F80 }, rfbm, Cc()).Buffer!;
        if (written)
        {
            Assert.Equal(0x1F80u, after.ReadUInt32(24));
            Assert.Equal(0x2FFFFu, after.ReadUInt32(28)); // KO §3c: MXCSR_MASK of the host
        }
        else Assert.True(AllEqual(after, 24, 32, 0xCC));
    }

    [Fact]
    public void Xsave_RfbmZero_WritesNothing()
    {
        // KO §5a row 5: RFBM = 0 → nothing written (XSTATE_BV gets its own old value back).
        var before = Cc();
        Assert.Equal(before, Xsave(AllInUse(User()), 0, before).Buffer);
    }

    [Fact]
    public void Xsave_AllOnesMask_IsTheSameAsXcr0()
    {
        // KO §5a row 6: RFBM = EDX:EAX AND XCR0.
        var state = AllInUse(User());
        Assert.Equal(Xsave(state, 0xE7, Cc()).Buffer, Xsave(state, ulong.MaxValue, Cc()).Buffer);
    }

    [Fact]
    public void Xsave_NeverWritesBytes416To511OrBeyondTheStandardSize()
    {
        // KO §5a row 7.
        var after = Xsave(AllInUse(User()), ulong.MaxValue, Cc()).Buffer!;
        Assert.True(AllEqual(after, 416, 512, 0xCC));
        Assert.True(AllEqual(after, StandardSize, 4096, 0xCC));
    }

    [Fact]
    public void Xsave_ComponentsAtTheirStandardOffsets()
    {
        // R14 with the KO §1a offsets; x87 without 24..31, XMM at 160 (R12).
        var state = AllInUse(User());
        var after = Xsave(state, ulong.MaxValue, Cc()).Buffer!;
        Assert.True(after.Span(0, 24).SequenceEqual(state.Component(0).AsSpan(0, 24)));
        Assert.True(after.Span(32, 128).SequenceEqual(state.Component(0).AsSpan(32, 128)));
        Assert.True(after.Span(160, 256).SequenceEqual(state.Component(1).AsSpan()));
        foreach (var (i, offset) in new[] { (2, YmmOffset), (5, OpmaskOffset), (6, ZmmHi256Offset), (7, Hi16ZmmOffset) })
            Assert.True(after.Span(offset, Cpu.ComponentSize(i)).SequenceEqual(state.Component(i).AsSpan()), $"component {i}");
    }

    [Fact]
    public void Xsave_AfterVzeroupper_YmmNotInUse()
    {
        // KO §5a row 8: ymm0 dirty → vzeroupper → XSAVE(7): XSTATE_BV[2] = 0, [1] = 1.
        var state = User().WithComponent(1, Pattern(256, 5));
        Assert.Equal(0x2UL, Xsave(state, 0x7, Cc().WithXstateBv(FeatureMask.None)).Buffer!.ReadXstateBv().Bits & 0x6);
    }

    [Fact]
    public void Xsave_AfterVexZeroingOfXmm_SseAndYmmNotInUse()
    {
        // KO §5a row 9: vpxor xmm0 (VEX.128) → XSTATE_BV[1] = 0, [2] = 0.
        Assert.Equal(0UL, Xsave(User(), 0x7, Cc().WithXstateBv(FeatureMask.None)).Buffer!.ReadXstateBv().Bits & 0x6);
    }

    [Fact]
    public void Xsave_MxcsrNotDefault_CountsAsSseInUse()
    {
        // KO §5a last row (Zen 5): all registers zero but MXCSR = 0x1fc0 → XSAVE(3) reports XSTATE_BV[1] = 1, even when
        // XINUSE[1] = 0 (R17 allows either; the host sets it).
        var state = User() with { Mxcsr = 0x1FC0 };
        Assert.False(state.XinUse.Contains(XFeature.Sse));
        var after = Xsave(state, 0x3, Cc().WithXstateBv(FeatureMask.None)).Buffer!;
        Assert.Equal(0x2UL, after.ReadXstateBv().Bits);
        Assert.Equal(0x1FC0u, after.ReadUInt32(24));
    }
}
