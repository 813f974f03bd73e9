namespace Xsave.Oracle.Tests.Architecture;

/// <summary>XSAVEC (SPEC R21): every row of KO §5b on the host model, and R15/R16 alignment on Sapphire Rapids.</summary>
public class XsavecTests
{
    private static readonly CpuModel Cpu = HostCpu.Zen5;

    [Theory]
    // KO §5b row 1: XCOMP_BV = (1 << 63) | (RFBM & XCR0).
    [InlineData(0x0UL, 0x8000000000000000UL)]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, 0x80000000000000E7UL)]
    [InlineData(0x7UL, 0x8000000000000007UL)]
    [InlineData(0x1800UL, 0x8000000000000000UL)] // supervisor bits are not in XCR0
    public void Xsavec_XcompBv_IsRfbmWithBit63(ulong edxEax, ulong expected)
    {
        var after = Ok(RunXsavec(Cpu, HostCpu.UserState(), edxEax, HostCpu.CcBuffer())).Buffer!;
        Assert.Equal(expected, after.ReadXcompBv().Bits);
    }

    [Theory]
    // KO §5b row 2: XSTATE_BV = RFBM & XINUSE, written fully (old 0xCC.. bits outside RFBM cleared). 0xa2 = XINUSE at
    // main entry on the host (KO §1b).
    [InlineData(0x7UL, 0x2UL)]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, 0xA2UL)]
    [InlineData(0x0UL, 0x0UL)]
    public void Xsavec_XstateBv_IsRfbmAndXinuse(ulong edxEax, ulong expected)
    {
        var state = HostCpu.UserState() with { XinUse = new FeatureMask(0xA2) };
        var after = Ok(RunXsavec(Cpu, state, edxEax, HostCpu.CcBuffer())).Buffer!;
        Assert.Equal(expected, after.ReadXstateBv().Bits);
    }

    [Fact]
    public void Xsavec_DoesNotWriteHeaderBytes16To63()
    {
        // KO §5b row 3.
        var after = Ok(RunXsavec(Cpu, XsaveTests.StateWithEverythingInUse(), ulong.MaxValue, HostCpu.CcBuffer())).Buffer!;
        Assert.True(AllEqual(after, 528, 576, 0xCC));
    }

    [Fact]
    public void Xsavec_DoesNotWriteInitComponents()
    {
        // KO §5b row 4: with all state init, the last written byte is 527 (only XSTATE_BV and XCOMP_BV are written).
        var buffer = HostCpu.CcBuffer();
        var after = Ok(RunXsavec(Cpu, HostCpu.UserState(), 0xE7, buffer)).Buffer!;
        Assert.Equal([ByteRange.FromTo(512, 528)], buffer.DifferingRanges(after));
        Assert.True(AllEqual(after, 528, 4096, 0xCC));
        Assert.True(AllEqual(after, 0, 512, 0xCC));
    }

    [Theory]
    // KO §5b row 5: MXCSR written only when SSE is saved. RFBM = 4 with AVX data -> not written; RFBM = 2/3/7 with
    // all-zero XMM and MXCSR = 0x1f80 -> not written.
    [InlineData(0x4UL, true)]
    [InlineData(0x2UL, false)]
    [InlineData(0x3UL, false)]
    [InlineData(0x7UL, false)]
    public void Xsavec_MxcsrNotWritten_WhenSseNotSaved(ulong rfbm, bool avxInUse)
    {
        var state = HostCpu.UserState();
        if (avxInUse) state = state.WithComponent(XFeature.Ymm, Pattern(256, 7));
        var after = Ok(RunXsavec(Cpu, state, rfbm, HostCpu.CcBuffer())).Buffer!;
        Assert.True(AllEqual(after, 24, 32, 0xCC));
    }

    [Fact]
    public void Xsavec_WritesMxcsrAndMask_WhenSseSaved()
    {
        // R21 (SDM XSAVEC: SSE state = XMM, MXCSR and MXCSR_MASK); SSE saved because MXCSR != 0x1F80.
        var state = HostCpu.UserState() with { Mxcsr = 0x1FC0 };
        var after = Ok(RunXsavec(Cpu, state, 0x2, HostCpu.CcBuffer())).Buffer!;
        Assert.Equal(0x1FC0u, after.ReadUInt32(24));
        Assert.Equal(0x2FFFFu, after.ReadUInt32(28));
        Assert.Equal(0x2UL, after.ReadXstateBv().Bits);
        Assert.True(AllEqual(after, 160, 416, 0x00)); // XMM registers are zero
    }

    public static TheoryData<ulong, int[], int> MarkerRows() => new()
    {
        // KO §5b row 6 (offsets found by marker search): RFBM -> offsets of YMM(2), opmask(5), ZMM_Hi256(6), Hi16_ZMM(7)
        // (-1 = not in RFBM), and where zmm17 landed (-1 = not measured).
        { 0x04, [576, -1, -1, -1], -1 },
        { 0x20, [-1, 576, -1, -1], -1 },
        { 0x24, [576, 832, -1, -1], -1 },
        { 0x44, [576, -1, 832, -1], -1 },
        { 0x84, [576, -1, -1, 832], 896 },
        { 0xA4, [576, 832, -1, 896], 960 },
        { 0xE0, [-1, 576, 640, 1152], 1216 },
        { 0xE7, [576, 832, 896, 1408], -1 },
    };

    [Theory]
    [MemberData(nameof(MarkerRows))]
    public void Xsavec_CompactedOffsets_MatchHostMarkerSearch(ulong rfbm, int[] offsets, int zmm17)
    {
        var state = MarkedState();
        var after = Ok(RunXsavec(Cpu, state, rfbm, HostCpu.CcBuffer())).Buffer!;

        int[] components = [2, 5, 6, 7];
        for (int k = 0; k < components.Length; k++)
        {
            int found = FirstIndexFrom(after, 576, Marker(components[k]));
            Assert.Equal(offsets[k], found);
        }
        if (zmm17 >= 0) Assert.Equal(zmm17, FirstIndexFrom(after, 576, Zmm17Marker));
    }

    [Fact]
    public void Xsavec_AllAvxComponents_LastWrittenByteIs2431()
    {
        // KO §5b row 6, RFBM 0xe7: 576/832/896/1408, last byte 2431.
        var after = Ok(RunXsavec(Cpu, MarkedState(), 0xE7, HostCpu.CcBuffer())).Buffer!;
        Assert.Equal(2431, after.Bytes.AsSpan().LastIndexOfAnyExcept((byte)0xCC));
    }

    [Fact]
    public void Xsavec_Amx_AlignsTileComponentsTo64Bytes()
    {
        // R15, R16 on Sapphire Rapids (corpus): ...Hi16_ZMM ends at 2432, PKRU 8 bytes -> 2440, TILECFG has ECX[1]
        // (align64) -> 2496, +64 -> TILEDATA at 2560 (align64, already aligned), +8192 -> size 10752.
        var cpu = TestSupport.Corpus.Cpu("intel-sapphirerapids-806f8");
        var state = MachineState.Init(cpu) with { Xcr0 = new FeatureMask(0x602E7) };
        state = state
            .WithComponent(XFeature.Pkru, Fill(8, 0x49))
            .WithComponent(XFeature.XtileCfg, Fill(64, 0x51))
            .WithComponent(XFeature.XtileData, Fill(8192, 0x52));

        var after = Ok(RunXsavec(cpu, state, ulong.MaxValue, XsaveBuffer.Filled(12288, 0xCC))).Buffer!;

        Assert.True(AllEqual(after, 2432, 2440, 0x49));
        Assert.True(AllEqual(after, 2440, 2496, 0xCC)); // alignment padding is not written
        Assert.True(AllEqual(after, 2496, 2560, 0x51));
        Assert.True(AllEqual(after, 2560, 10752, 0x52));
        Assert.True(AllEqual(after, 10752, 12288, 0xCC));
        Assert.Equal(0x80000000000602E7UL, after.ReadXcompBv().Bits);
        Assert.Equal(0x60200UL, after.ReadXstateBv().Bits);
    }

    [Fact]
    public void Xsavec_UD_WhenCpuLacksXsavec()
    {
        // R18, R5: CPUID.(0xD,1).EAX[1] = 0 -> #UD. Haswell enumerates only XSAVEOPT (corpus).
        var cpu = TestSupport.Corpus.Cpu("intel-haswell-306c3-v2");
        Assert.False(cpu.HasXsavec);
        var state = MachineState.Init(cpu) with { Xcr0 = new FeatureMask(0x7) };
        Assert.Equal(FaultKind.UD, FaultOf(RunXsavec(cpu, state, 7, XsaveBuffer.Zeroed(4096))).Kind);
    }

    private const byte Zmm17Marker = 0x7E;

    private static byte Marker(int component) => (byte)(0x40 + component);

    /// <summary>YMM, opmask, ZMM_Hi256, Hi16_ZMM in use, each filled with its marker byte; zmm17 (Hi16_ZMM bytes 64..127) 0x7E.</summary>
    private static MachineState MarkedState()
    {
        var hi16 = Fill(1024, Marker(7));
        Array.Fill(hi16, Zmm17Marker, 64, 64);
        return HostCpu.UserState()
            .WithComponent(XFeature.Ymm, Fill(256, Marker(2)))
            .WithComponent(XFeature.Opmask, Fill(64, Marker(5)))
            .WithComponent(XFeature.ZmmHi256, Fill(512, Marker(6)))
            .WithComponent(XFeature.Hi16Zmm, hi16);
    }

    private static int FirstIndexFrom(XsaveBuffer buffer, int from, byte value)
    {
        int i = buffer.Bytes.AsSpan()[from..].IndexOf(value);
        return i < 0 ? -1 : from + i;
    }
}
