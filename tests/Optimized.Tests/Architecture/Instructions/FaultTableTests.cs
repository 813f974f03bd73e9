using static Xsave.Optimized.Tests.Architecture.Instructions.Host;

namespace Xsave.Optimized.Tests.Architecture.Instructions;

/// <summary>
/// Faults of the XSAVE family (SPEC R18, R22-R25): every row of KO §5d on the host model, as data. A row is an
/// instruction, a state, an instruction mask and an area; the expected result is the KO verdict (#GP = SIGSEGV
/// si_code 128; #PF = SEGV_ACCERR, modelled as memory ending before the bytes the instruction touches).
/// </summary>
public class FaultTableTests
{
    private sealed record Row(XsaveInstruction Instruction, MachineState State, ulong EdxEax, XsaveBuffer Area, FaultKind? Expected);

    private const ulong All1 = ulong.MaxValue;
    private static readonly FaultKind? Ok = null;
    private static readonly FaultKind? GP = FaultKind.GP;
    private static readonly FaultKind? PF = FaultKind.PF;

    private static Row Rstor(XsaveBuffer area, FaultKind? expected, ulong rfbm = All1) => new(XsaveInstruction.Xrstor, User(), rfbm, area, expected);

    private static readonly Dictionary<string, Row> Rows = new()
    {
        ["valid standard image, RFBM 0xe7"] = Rstor(StandardImage(), Ok, 0xE7),
        ["valid standard image, RFBM ~0"] = Rstor(StandardImage(), Ok),
        ["valid compacted image via plain XRSTOR"] = Rstor(CompactedImage(), Ok),
        ["std XSTATE_BV |= bit 3"] = Rstor(StandardImage(0xE7 | 1UL << 3), GP),
        ["std XSTATE_BV |= bit 8"] = Rstor(StandardImage(0xE7 | 1UL << 8), GP),
        ["std XSTATE_BV |= bit 9"] = Rstor(StandardImage(0xE7 | 1UL << 9), GP),
        ["std XSTATE_BV |= bit 11"] = Rstor(StandardImage(0xE7 | 1UL << 11), GP),
        ["std XSTATE_BV |= bit 12"] = Rstor(StandardImage(0xE7 | 1UL << 12), GP),
        ["std XSTATE_BV |= bit 63"] = Rstor(StandardImage(0xE7 | 1UL << 63), GP),
        ["std XSTATE_BV bit 3 (outside RFBM and XCR0), RFBM 7"] = Rstor(StandardImage(0x7 | 1UL << 3), GP, 0x7),
        ["std XSTATE_BV bit 5 (in XCR0, outside RFBM), RFBM 7"] = Rstor(StandardImage(0x7 | 1UL << 5), Ok, 0x7),
        ["std XCOMP_BV = 1"] = Rstor(StandardImage().WithXcompBv(new(1)), GP),
        ["std XCOMP_BV = 0xe7"] = Rstor(StandardImage().WithXcompBv(new(0xE7)), GP),
        ["XCOMP_BV = bit 63 only, XSTATE_BV = 0"] = Rstor(CompactedImage(0, 0), Ok),
        ["XCOMP_BV = bit 63 only, XSTATE_BV = 7"] = Rstor(CompactedImage(0x7, 0), GP),
        ["std header byte 16 (528)"] = Rstor(StandardImage().WithByte(528, 1), GP),
        ["std header byte 23 (535)"] = Rstor(StandardImage().WithByte(535, 1), GP),
        ["std header byte 24 (536) not checked"] = Rstor(StandardImage().WithByte(536, 1), Ok),
        ["std header byte 63 (575) not checked"] = Rstor(StandardImage().WithByte(575, 1), Ok),
        ["compacted header byte 16"] = Rstor(CompactedImage().WithByte(528, 1), GP),
        ["compacted header byte 24"] = Rstor(CompactedImage().WithByte(536, 1), GP),
        ["compacted header byte 63"] = Rstor(CompactedImage().WithByte(575, 1), GP),
        ["compacted XCOMP_BV bit 8 (not in XCR0)"] = Rstor(CompactedImage(format: 0xE7 | 1UL << 8), GP),
        ["compacted XCOMP_BV bit 9 (not in XCR0)"] = Rstor(CompactedImage(format: 0xE7 | 1UL << 9), GP),
        ["compacted format 0x7 with XSTATE_BV 0xe7"] = Rstor(CompactedImage(0xE7, 0x7), GP),
        ["compacted format 0x3 with XSTATE_BV 0x7"] = Rstor(CompactedImage(0x7, 0x3), GP),
        ["compacted XSTATE_BV |= bit 3"] = Rstor(CompactedImage(0xE7 | 1UL << 3), GP),
        ["std MXCSR 0x11f80, RFBM ~0"] = Rstor(StandardImage().WithUInt32(24, 0x11F80), GP),
        ["std MXCSR 0x21f80 (bit 17 in MXCSR_MASK)"] = Rstor(StandardImage().WithUInt32(24, 0x21F80), Ok),
        ["std MXCSR 0x11f80, XSTATE_BV[1,2] = 0, RFBM[1] = 1"] = Rstor(StandardImage(0xE1).WithUInt32(24, 0x11F80), GP),
        ["std MXCSR 0x11f80, RFBM 1"] = Rstor(StandardImage().WithUInt32(24, 0x11F80), Ok, 0x1),
        ["std MXCSR 0x11f80, RFBM 4"] = Rstor(StandardImage().WithUInt32(24, 0x11F80), GP, 0x4),
        ["compacted MXCSR 0x11f80, XSTATE_BV has SSE"] = Rstor(CompactedImage().WithUInt32(24, 0x11F80), GP),
        ["compacted MXCSR 0x11f80, XSTATE_BV[1,2] = 0"] = Rstor(CompactedImage(0xE1).WithUInt32(24, 0x11F80), Ok),
        ["XRSTOR from +8"] = Rstor(StandardImage().At(XsaveBuffer.DefaultAddress + 8), GP),
        ["XRSTOR from +16"] = Rstor(StandardImage().At(XsaveBuffer.DefaultAddress + 16), GP),
        ["XRSTOR from +32"] = Rstor(StandardImage().At(XsaveBuffer.DefaultAddress + 32), GP),
        ["XSAVE to +16"] = new(XsaveInstruction.Xsave, User(), All1, Cc().At(XsaveBuffer.DefaultAddress + 16), GP),
        ["XSAVEC to +16"] = new(XsaveInstruction.Xsavec, User(), All1, Cc().At(XsaveBuffer.DefaultAddress + 16), GP),
        ["XSAVEOPT to +16"] = new(XsaveInstruction.Xsaveopt, User(), All1, Cc().At(XsaveBuffer.DefaultAddress + 16), GP),
        ["XSAVE into an area that ends inside the standard layout"] = new(XsaveInstruction.Xsave, User(), All1, Cc(StandardSize - 1), PF),
        ["XRSTOR from an area that ends before the header"] = Rstor(XsaveBuffer.Zeroed(512), PF),
        ["XSAVES at CPL 3"] = new(XsaveInstruction.Xsaves, User(), All1, Cc(), GP),
        ["XRSTORS at CPL 3"] = new(XsaveInstruction.Xrstors, User(), All1, CompactedImage(), GP),
    };

    public static TheoryData<string> RowNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Rows.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Ko5d(string row)
    {
        var r = Rows[row];
        var outcome = Run(r.Instruction, r.State, r.EdxEax, r.Area);
        Assert.True(r.Expected == KindOf(outcome), $"{row}: expected {r.Expected?.ToString() ?? "no fault"}, got {outcome.Fault?.ToString() ?? "no fault"}");
        if (outcome.Fault is { Kind: not FaultKind.NM })
        {
            // A #GP/#PF leaves the registers as they were (only XFD's #NM writes XFD_ERR).
            Assert.Equal(r.State, outcome.State);
            Assert.Equal(r.Area, outcome.Buffer);
        }
    }

    [Fact]
    public void Xsetbv_AtCpl3_GP() =>
        // KO §5d last row.
        Assert.Equal(FaultKind.GP, KindOf(Run(User(), new XsetbvOp(0, new(0xE7)))));

    [Fact]
    public void Xrstor_CompactedEmptyFormat_InitializesEverythingAndClearsXinuse()
    {
        // KO §5d: XCOMP_BV = 1 << 63 only, XSTATE_BV = 0 → OK, everything initialised, XINUSE → 0.
        var state = AllInUse(User()) with { Mxcsr = 0x1FC0 };
        var after = Ok(Run(XsaveInstruction.Xrstor, state, All1, CompactedImage(0, 0))).State;
        Assert.Equal(User() with { XinUse = FeatureMask.None }, after);
    }

    /// <summary>
    /// The fault order the project documents (decode-time #UD and #NM before #GP, SDM Vol.3 6.9 priority classes), on
    /// states where several conditions hold at once.
    /// </summary>
    [Theory]
    [InlineData(false, true, 3, 16, FaultKind.UD)]   // OSXSAVE = 0 beats TS, CPL and alignment
    [InlineData(true, true, 3, 16, FaultKind.NM)]    // TS beats CPL and alignment
    [InlineData(true, false, 3, 16, FaultKind.GP)]   // CPL and alignment are both #GP
    public void Xrstors_FaultPriority(bool osxsave, bool ts, int cpl, int misalign, FaultKind expected)
    {
        var state = User() with { Cr4Osxsave = osxsave, Cr0Ts = ts, Cpl = cpl };
        var area = XsaveBuffer.Zeroed(100).At(XsaveBuffer.DefaultAddress + (ulong)misalign); // short too: #PF would be last
        Assert.Equal(expected, KindOf(Run(XsaveInstruction.Xrstors, state, All1, area)));
    }

    [Fact]
    public void Xrstor_HeaderCheckBeatsXfdAndPageFault()
    {
        // #GP on the header comes before anything the load would raise: a 600-byte area (components beyond it) with a
        // bad XCOMP_BV faults #GP, not #PF.
        var area = XsaveBuffer.Zeroed(600).WithUInt16(0, 0x037F).WithXstateBv(new(0xE7)).WithXcompBv(new(1));
        Assert.Equal(FaultKind.GP, KindOf(Run(XsaveInstruction.Xrstor, User(), All1, area)));
        Assert.Equal(FaultKind.PF, KindOf(Run(XsaveInstruction.Xrstor, User(), All1, area.WithXcompBv(FeatureMask.None))));
    }
}
