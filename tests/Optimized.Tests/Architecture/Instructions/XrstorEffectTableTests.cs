using static Xsave.Optimized.Tests.Architecture.Instructions.Host;

namespace Xsave.Optimized.Tests.Architecture.Instructions;

/// <summary>What XRSTOR does to the registers (SPEC R23, R24, R26): the rows of KO §5e on the host model.</summary>
public class XrstorEffectTableTests
{
    private static MachineState Xrstor(MachineState s, ulong rfbm, XsaveBuffer b) => Ok(Run(XsaveInstruction.Xrstor, s, rfbm, b)).State;

    [Fact]
    public void Standard_XstateBvWithoutYmm_InitializesYmm()
    {
        // KO §5e row 1: RFBM 7, XSTATE_BV 0x3, YMM image non-zero → ymm[255:128] := 0.
        var area = StandardImage(0x3).WithBytes(YmmOffset, Pattern(256, 9));
        var before = WithPatterns(User(), 0x4);
        var after = Xrstor(before, 0x7, area);
        Assert.True(after.Component(XFeature.Ymm).AsSpan().SequenceEqual(new byte[256]));
        Assert.False(after.XinUse.Contains(XFeature.Ymm));
    }

    /// <summary>KO §5e rows 2-4: the standard form loads MXCSR from memory whatever XSTATE_BV says; the compacted form initializes it with SSE.</summary>
    [Theory]
    [InlineData(false, 0x0UL, 0x1FC0u)]
    [InlineData(false, 0x1UL, 0x1FC0u)]
    [InlineData(true, 0x1UL, 0x1F80u)]
    [InlineData(true, 0x3UL, 0x1FC0u)]
    public void Mxcsr_ByForm(bool compacted, ulong xstateBv, uint expected)
    {
        var area = (compacted ? CompactedImage(xstateBv, 0x7) : StandardImage(xstateBv)).WithUInt32(24, 0x1FC0);
        Assert.Equal(expected, Xrstor(User() with { Mxcsr = 0x9FC0 }, 0x7, area).Mxcsr);
    }

    [Fact]
    public void Compacted_WithoutSseInRfbm_LeavesMxcsr()
    {
        // R24: in the compacted form MXCSR belongs to SSE: RFBM[1] = 0 (only AVX) leaves it alone.
        var area = CompactedImage(0x7, 0x7).WithUInt32(24, 0x1FC0);
        Assert.Equal(0x9FC0u, Xrstor(User() with { Mxcsr = 0x9FC0 }, 0x4, area).Mxcsr);
    }

    [Fact]
    public void Bytes416To511_AreIgnored()
    {
        // KO §5e last row.
        var clean = StandardImage();
        var garbage = clean.WithBytes(416, Pattern(96, 3));
        Assert.Equal(Xrstor(User(), ulong.MaxValue, clean), Xrstor(User(), ulong.MaxValue, garbage));
    }

    [Fact]
    public void Standard_LoadsEveryRfbmComponentFromItsOffset_AndLeavesTheOthers()
    {
        // R23/R26: XSTATE_BV[i] = 1 → load from the R14 offset; RFBM[i] = 0 → unchanged.
        var source = AllInUse(User());
        var area = StandardImage(0xE7)
            .WithBytes(0, source.Component(0).AsSpan(0, 24)).WithBytes(32, source.Component(0).AsSpan(32, 128))
            .WithBytes(160, source.Component(1).AsSpan())
            .WithBytes(YmmOffset, source.Component(2).AsSpan()).WithBytes(OpmaskOffset, source.Component(5).AsSpan())
            .WithBytes(ZmmHi256Offset, source.Component(6).AsSpan()).WithBytes(Hi16ZmmOffset, source.Component(7).AsSpan());
        var target = WithPatterns(User(), 0x20); // opmask holds something else
        var after = Xrstor(target, 0xC7, area);  // opmask (5) outside RFBM
        foreach (int i in new[] { 0, 1, 2, 6, 7 })
            Assert.True(after.Component(i).AsSpan().SequenceEqual(source.Component(i).AsSpan()), $"component {i}");
        Assert.True(after.Component(5).AsSpan().SequenceEqual(target.Component(5).AsSpan()));
        Assert.Equal(0xE7UL, after.XinUse.Bits); // loaded → in use; opmask was in use and untouched
    }

    [Fact]
    public void Compacted_LoadsFromOffsetsOfXcompBv_NotXstateBv()
    {
        // R15: with format 0xe7 and XSTATE_BV 0x80, Hi16_ZMM is read from 1408 (its place in the full format).
        var zmm = Pattern(1024, 77);
        var area = CompactedImage(0x80, 0xE7).WithBytes(1408, zmm);
        var after = Xrstor(WithPatterns(User(), 0xE7), ulong.MaxValue, area);
        Assert.True(after.Component(7).AsSpan().SequenceEqual(zmm));
        Assert.Equal(0x80UL, after.XinUse.Bits);
        Assert.True(after.Component(0).AsSpan().SequenceEqual(MachineState.InitImage(0, 160))); // FCW 0x37F, rest 0 (R17)
    }
}
