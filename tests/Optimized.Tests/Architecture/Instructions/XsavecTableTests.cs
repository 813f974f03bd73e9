using static Xsave.Optimized.Tests.Architecture.Instructions.Host;

namespace Xsave.Optimized.Tests.Architecture.Instructions;

/// <summary>XSAVEC, compacted form (SPEC R15, R21): the rows of KO §5b on the host model.</summary>
public class XsavecTableTests
{
    private static XsaveBuffer Xsavec(MachineState s, ulong rfbm, XsaveBuffer? b = null) =>
        Ok(Run(XsaveInstruction.Xsavec, s, rfbm, b ?? Cc())).Buffer!;

    /// <summary>KO §5b row 1: XCOMP_BV = (1 &lt;&lt; 63) | (RFBM AND XCR0).</summary>
    [Theory]
    [InlineData(0x0UL, 0x8000000000000000UL)]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, 0x80000000000000E7UL)]
    [InlineData(0x7UL, 0x8000000000000007UL)]
    [InlineData(0x1818UL, 0x8000000000000000UL)] // supervisor and MPX bits are not in XCR0
    public void Xsavec_XcompBv_IsRfbmWithBit63(ulong edxEax, ulong expected) =>
        Assert.Equal(expected, Xsavec(User(), edxEax).ReadXcompBv().Bits);

    /// <summary>KO §5b row 2 and R21: XSTATE_BV = RFBM AND XINUSE, written whole (old bits outside RFBM cleared).</summary>
    [Theory]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, 0x0UL, 0x0UL)]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, 0xA2UL, 0xA2UL)] // KO §1b: glibc leaves 0xa2 in use
    [InlineData(0x3UL, 0xA2UL, 0x2UL)]
    [InlineData(0x20UL, 0xE7UL, 0x20UL)]
    public void Xsavec_XstateBv_IsRfbmAndInUse(ulong rfbm, ulong inUse, ulong expected) =>
        Assert.Equal(expected, Xsavec(WithPatterns(User(), inUse), rfbm).ReadXstateBv().Bits);

    [Fact]
    public void Xsavec_DoesNotWriteHeaderBytes16To63()
    {
        // KO §5b row 3 (R22): they stay 0xCC.
        Assert.True(AllEqual(Xsavec(AllInUse(User()), ulong.MaxValue), 528, 576, 0xCC));
    }

    [Fact]
    public void Xsavec_InitComponents_AreNotWritten()
    {
        // KO §5b row 4: all-init AVX state → the last written byte is 527 (the header words).
        var after = Xsavec(User(), ulong.MaxValue);
        Assert.True(AllEqual(after, 0, 512, 0xCC));
        Assert.True(AllEqual(after, 528, 4096, 0xCC));
    }

    /// <summary>
    /// KO §5b row 5: MXCSR is written only when SSE is saved: RFBM 4 with YMM data → not written; RFBM 2/3/7 with zero
    /// XMM and MXCSR 0x1f80 → not written; SSE in use → written (with MXCSR_MASK).
    /// </summary>
    [Theory]
    [InlineData(0x4UL, 0x4UL, false)]
    [InlineData(0x2UL, 0x0UL, false)]
    [InlineData(0x3UL, 0x0UL, false)]
    [InlineData(0x7UL, 0x0UL, false)]
    [InlineData(0x7UL, 0x2UL, true)]
    public void Xsavec_WritesMxcsrOnlyWithSse(ulong rfbm, ulong inUse, bool written)
    {
        var after = Xsavec(WithPatterns(User(), inUse), rfbm);
        if (written)
        {
            Assert.Equal(0x1F80u, after.ReadUInt32(24));
            Assert.Equal(0x2FFFFu, after.ReadUInt32(28));
        }
        else Assert.True(AllEqual(after, 24, 32, 0xCC));
    }

    [Fact]
    public void Xsavec_MxcsrNotDefault_SavesSse()
    {
        // R21: XSTATE_BV[1] = 1 and SSE saved when MXCSR != 1F80H, even with XINUSE[1] = 0.
        var after = Xsavec(User() with { Mxcsr = 0x1FC0 }, 0x7);
        Assert.Equal(0x2UL, after.ReadXstateBv().Bits);
        Assert.Equal(0x1FC0u, after.ReadUInt32(24));
        Assert.True(AllEqual(after, 160, 416, 0)); // XMM zero, written
    }

    /// <summary>
    /// KO §5b row 6 (offsets found by marker search): components packed in index order from 576, no 64-byte alignment
    /// on this CPU. Offsets listed for the extended components of RFBM in ascending order.
    /// </summary>
    [Theory]
    [InlineData(0x4UL, new[] { 576 })]
    [InlineData(0x20UL, new[] { 576 })]
    [InlineData(0x24UL, new[] { 576, 832 })]
    [InlineData(0x44UL, new[] { 576, 832 })]
    [InlineData(0x84UL, new[] { 576, 832 })]
    [InlineData(0xA4UL, new[] { 576, 832, 896 })]
    [InlineData(0xE0UL, new[] { 576, 640, 1152 })]
    [InlineData(0xE7UL, new[] { 576, 832, 896, 1408 })]
    public void Xsavec_CompactedOffsets_AsMeasured(ulong rfbm, int[] offsets)
    {
        var state = AllInUse(User());
        var after = Xsavec(state, rfbm);
        var components = new FeatureMask(rfbm).Indices().Where(i => i >= 2).ToArray();
        Assert.Equal(offsets.Length, components.Length);
        for (int k = 0; k < components.Length; k++)
        {
            var bytes = state.Component(components[k]).AsSpan();
            Assert.True(after.Span(offsets[k], bytes.Length).SequenceEqual(bytes), $"component {components[k]} not at {offsets[k]}");
        }
        int last = offsets[^1] + state.Component(components[^1]).Length;
        Assert.True(AllEqual(after, last, 4096, 0xCC)); // KO: 0xe7 → last byte 2431
    }

    [Fact]
    public void Xsavec_Zmm17_LandsWhereMeasured()
    {
        // KO §5b: zmm17 (Hi16_ZMM bytes 64..127) at 896 for RFBM 0x84, 960 for 0xa4, 1216 for 0xe0.
        var state = AllInUse(User());
        var zmm17 = state.Component(7).AsSpan(64, 64).ToArray();
        foreach (var (rfbm, offset) in new[] { (0x84UL, 896), (0xA4UL, 960), (0xE0UL, 1216) })
            Assert.True(Xsavec(state, rfbm).Span(offset, 64).SequenceEqual(zmm17), $"RFBM 0x{rfbm:x}");
    }
}
