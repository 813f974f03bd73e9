namespace Xsave.Oracle.Tests.Architecture;

/// <summary>XRSTOR faults (SPEC R18, R23, R24): every row of KO §5d on the host model.</summary>
public class XrstorFaultTests
{
    private static readonly CpuModel Cpu = HostCpu.Zen5;
    private static readonly MachineState User = HostCpu.UserState();

    /// <summary>A valid standard image written by hand (R12, R13): FCW 0x037F, MXCSR 0x1F80, XSTATE_BV 0xe7, zeros.</summary>
    internal static XsaveBuffer StandardImage(ulong xstateBv = 0xE7) =>
        XsaveBuffer.Zeroed(4096).WithUInt16(0, 0x037F).WithUInt32(24, 0x1F80).WithXstateBv(new FeatureMask(xstateBv));

    /// <summary>A valid compacted image: as <see cref="StandardImage"/> with XCOMP_BV = bit 63 | <paramref name="format"/>.</summary>
    internal static XsaveBuffer CompactedImage(ulong xstateBv = 0xE7, ulong format = 0xE7) =>
        StandardImage(xstateBv).WithXcompBv(new FeatureMask(0x8000000000000000UL | format));

    private static FaultKind? KindOf(InstructionOutcome outcome) => outcome.Fault?.Kind;

    [Theory]
    [InlineData(0xE7UL)]
    [InlineData(0xFFFFFFFFFFFFFFFFUL)]
    public void Xrstor_Standard_ValidImage_Succeeds(ulong rfbm) =>
        Ok(RunXrstor(Cpu, User, rfbm, StandardImage()));

    [Fact]
    public void Xrstor_Compacted_ValidImage_Succeeds() =>
        Ok(RunXrstor(Cpu, User, ulong.MaxValue, CompactedImage()));

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(63)]
    public void Xrstor_Standard_GP_WhenXstateBvNotInXcr0(int bit)
    {
        var buffer = StandardImage(0xE7 | (1UL << bit));
        var fault = FaultOf(RunXrstor(Cpu, User, ulong.MaxValue, buffer));
        Assert.Equal(FaultKind.GP, fault.Kind);
        Assert.Equal("R23", fault.Rule);
    }

    [Fact]
    public void Xrstor_Standard_GP_WhenXstateBvBitOutsideRfbmAndXcr0() =>
        Assert.Equal(FaultKind.GP, KindOf(RunXrstor(Cpu, User, 0x7, StandardImage(0x7 | 0x8))));

    [Fact]
    public void Xrstor_Standard_IgnoresXstateBvBitInXcr0OutsideRfbm() =>
        Ok(RunXrstor(Cpu, User, 0x7, StandardImage(0x7 | 0x20)));

    [Theory]
    [InlineData(0x1UL)]
    [InlineData(0xE7UL)]
    public void Xrstor_Standard_GP_WhenXcompBvNonZero(ulong xcompBv) =>
        Assert.Equal(FaultKind.GP, KindOf(RunXrstor(Cpu, User, ulong.MaxValue, StandardImage().WithXcompBv(new FeatureMask(xcompBv)))));

    [Fact]
    public void Xrstor_Compacted_EmptyFormat_InitializesEverything()
    {
        // KO §5d: XCOMP_BV = 1 << 63 only, XSTATE_BV = 0 -> OK, everything initialised, XINUSE -> 0.
        var state = XsaveTests.StateWithEverythingInUse() with { Mxcsr = 0x1FC0 };
        var after = Ok(RunXrstor(Cpu, state, ulong.MaxValue, CompactedImage(0, 0))).State;

        Assert.Equal(FeatureMask.None, after.XinUse);
        Assert.Equal(User with { XinUse = FeatureMask.None }, after);
    }

    [Fact]
    public void Xrstor_Compacted_GP_WhenXstateBvSetWithEmptyFormat() =>
        Assert.Equal(FaultKind.GP, KindOf(RunXrstor(Cpu, User, ulong.MaxValue, CompactedImage(0x7, 0))));

    [Theory]
    [InlineData(528)]
    [InlineData(535)]
    public void Xrstor_Standard_GP_WhenHeaderBytes8To23NonZero(int offset) =>
        Assert.Equal(FaultKind.GP, KindOf(RunXrstor(Cpu, User, ulong.MaxValue, StandardImage().WithByte(offset, 1))));

    [Theory]
    [InlineData(536)]
    [InlineData(575)]
    public void Xrstor_Standard_IgnoresHeaderBytes24To63(int offset) =>
        Ok(RunXrstor(Cpu, User, ulong.MaxValue, StandardImage().WithByte(offset, 1)));

    [Theory]
    [InlineData(528)]
    [InlineData(536)]
    [InlineData(575)]
    public void Xrstor_Compacted_GP_WhenHeaderBytes16To63NonZero(int offset)
    {
        var fault = FaultOf(RunXrstor(Cpu, User, ulong.MaxValue, CompactedImage().WithByte(offset, 1)));
        Assert.Equal(FaultKind.GP, fault.Kind);
        Assert.Equal("R24", fault.Rule);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void Xrstor_Compacted_GP_WhenXcompBvNotInXcr0(int bit) =>
        Assert.Equal(FaultKind.GP, KindOf(RunXrstor(Cpu, User, ulong.MaxValue, CompactedImage(0xE7, 0xE7 | (1UL << bit)))));

    [Theory]
    [InlineData(0x7UL, 0xE7UL)]
    [InlineData(0x3UL, 0x7UL)]
    public void Xrstor_Compacted_GP_WhenXstateBvNotInXcompBv(ulong format, ulong xstateBv) =>
        Assert.Equal(FaultKind.GP, KindOf(RunXrstor(Cpu, User, ulong.MaxValue, CompactedImage(xstateBv, format))));

    [Fact]
    public void Xrstor_Compacted_GP_WhenXstateBvHasBit63()
    {
        // R24: XSTATE_BV & ~XCOMP_BV[62:0] != 0 "also rejects XSTATE_BV[63]", although XCOMP_BV[63] is set.
        var fault = FaultOf(RunXrstor(Cpu, User, ulong.MaxValue, CompactedImage(0x80000000000000E7UL)));
        Assert.Equal(("R24", FaultKind.GP), (fault.Rule, fault.Kind));
    }

    [Fact]
    public void Xrstor_Compacted_GP_WhenXstateBvHasBit3() =>
        Assert.Equal(FaultKind.GP, KindOf(RunXrstor(Cpu, User, ulong.MaxValue, CompactedImage(0xE7 | 0x8))));

    [Theory]
    // KO §5d MXCSR rows, standard form: MXCSR is loaded (and checked) whenever RFBM[1] | RFBM[2]; MXCSR_MASK 0x2ffff.
    [InlineData(0x11F80u, 0xE7UL, 0xFFFFFFFFFFFFFFFFUL, true)]
    [InlineData(0x21F80u, 0xE7UL, 0xFFFFFFFFFFFFFFFFUL, false)]
    [InlineData(0x11F80u, 0xE1UL, 0xFFFFFFFFFFFFFFFFUL, true)] // XSTATE_BV[1,2] = 0 but RFBM[1] = 1
    [InlineData(0x11F80u, 0xE7UL, 0x1UL, false)]
    [InlineData(0x11F80u, 0xE7UL, 0x4UL, true)]
    public void Xrstor_Standard_Mxcsr_CheckedWhenRfbmHasSseOrAvx(uint mxcsr, ulong xstateBv, ulong rfbm, bool faults)
    {
        var outcome = RunXrstor(Cpu, User, rfbm, StandardImage(xstateBv).WithUInt32(24, mxcsr));
        Assert.Equal(faults ? FaultKind.GP : null, KindOf(outcome));
    }

    [Theory]
    // KO §5d: compacted MXCSR = 0x11f80 faults when XSTATE_BV has SSE, is not even read when XSTATE_BV[1,2] = 0.
    [InlineData(0xE7UL, true)]
    [InlineData(0xE1UL, false)]
    public void Xrstor_Compacted_Mxcsr_CheckedOnlyWhenSseLoaded(ulong xstateBv, bool faults)
    {
        var outcome = RunXrstor(Cpu, User, ulong.MaxValue, CompactedImage(xstateBv).WithUInt32(24, 0x11F80));
        Assert.Equal(faults ? FaultKind.GP : null, KindOf(outcome));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void Xrstor_GP_WhenNot64ByteAligned(int misalignment)
    {
        var buffer = StandardImage().At(XsaveBuffer.DefaultAddress + (ulong)misalignment);
        var fault = FaultOf(RunXrstor(Cpu, User, ulong.MaxValue, buffer));
        Assert.Equal(FaultKind.GP, fault.Kind);
        Assert.Equal("R18", fault.Rule);
    }

    [Theory]
    [InlineData(XsaveInstruction.Xsave)]
    [InlineData(XsaveInstruction.Xsavec)]
    [InlineData(XsaveInstruction.Xsaveopt)]
    public void Save_GP_WhenNot64ByteAligned(XsaveInstruction instruction)
    {
        var buffer = HostCpu.CcBuffer().At(XsaveBuffer.DefaultAddress + 16);
        var outcome = Run(Cpu, User, new XsaveFamilyOp(instruction, FeatureMask.All, buffer));
        Assert.Equal(FaultKind.GP, KindOf(outcome));
        Assert.Equal(buffer, outcome.Buffer);
    }

    [Theory]
    // KO §5d last row: XSAVES, XRSTORS and XSETBV at CPL 3 -> #GP.
    [InlineData("xsaves")]
    [InlineData("xrstors")]
    [InlineData("xsetbv")]
    public void PrivilegedOperations_GP_AtCpl3(string operation)
    {
        ArchOperation op = operation switch
        {
            "xsaves" => new XsaveFamilyOp(XsaveInstruction.Xsaves, FeatureMask.All, HostCpu.CcBuffer()),
            "xrstors" => new XsaveFamilyOp(XsaveInstruction.Xrstors, FeatureMask.All, CompactedImage()),
            _ => new XsetbvOp(0, new FeatureMask(0xE7)),
        };
        Assert.Equal(FaultKind.GP, KindOf(Run(Cpu, User, op)));
    }

    [Fact]
    public void Xrstor_PF_WhenHeaderOutsideBuffer()
    {
        // KO §5d: an unreadable page gives #PF; here memory ends at byte 512, before the header (R13).
        var buffer = XsaveBuffer.Zeroed(512);
        var fault = FaultOf(RunXrstor(Cpu, User, ulong.MaxValue, buffer));
        Assert.Equal(FaultKind.PF, fault.Kind);
    }

    [Fact]
    public void Xrstor_PF_WhenLoadedComponentOutsideBuffer_LeavesStateUnchanged()
    {
        // YMM at 576 (R14) lies beyond a 576-byte buffer; initialised components need no memory.
        var buffer = XsaveBuffer.Zeroed(576).WithUInt16(0, 0x037F).WithUInt32(24, 0x1F80).WithXstateBv(new FeatureMask(0x7));
        var outcome = RunXrstor(Cpu, User, ulong.MaxValue, buffer);
        Assert.Equal(FaultKind.PF, KindOf(outcome));
        Assert.Equal(User, outcome.State);
        Assert.Equal(new FeatureMask(0xE7), outcome.UnspecifiedComponents);

        // docs/findings.md F2 (measured on AMD family 19h): the standard form's operand is the whole area of RFBM, loaded
        // or initialized, so RFBM = 0xE7 on 576 bytes is #PF even with nothing beyond 576 to load; RFBM = 3 fits.
        Assert.Equal(FaultKind.PF, KindOf(RunXrstor(Cpu, User, ulong.MaxValue, buffer.WithXstateBv(new FeatureMask(0x3)))));
        Ok(RunXrstor(Cpu, User, 0x3, buffer.WithXstateBv(new FeatureMask(0x3))));
    }

    [Fact]
    public void Xsave_PF_WhenComponentOutsideBuffer_LeavesBufferUnchanged_ButUnspecified()
    {
        var buffer = XsaveBuffer.Filled(576, 0xCC);
        var outcome = RunXsave(Cpu, User, 0x7, buffer);
        Assert.Equal(FaultKind.PF, KindOf(outcome));
        Assert.Equal(buffer, outcome.Buffer);
        Assert.NotEmpty(outcome.UnspecifiedBytes);
        Assert.All(outcome.UnspecifiedBytes, r => Assert.True(r.End <= 576));
    }
}
