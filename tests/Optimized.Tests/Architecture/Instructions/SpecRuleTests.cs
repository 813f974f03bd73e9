using static Xsave.Optimized.Tests.Architecture.Instructions.Host;

namespace Xsave.Optimized.Tests.Architecture.Instructions;

/// <summary>
/// SPEC rules beyond the KO §5 tables: XSAVEOPT's unspecified bytes (R20), XFD (R27, on the Sapphire Rapids profile,
/// whose TILEDATA is XFD-capable), supervisor save/restore (R22, R25), XGETBV/XSETBV (R8, R17, KO §1b/§1c), WRMSR
/// (R10, R11), INIT (R29), RESET (R28) and page faults.
/// </summary>
public class SpecRuleTests
{
    private static readonly CpuModel Spr = Corpus.Cpu("intel-sapphirerapids-806f8"); // XCR0 0x602e7, XSS 0xdd00, XFD on 18
    private static readonly CpuModel Cascadelake = Corpus.Cpu("intel-cascadelakesp-50656"); // XCR0 0x2ff: MPX

    private static InstructionOutcome On(CpuModel cpu, MachineState s, ArchOperation op) =>
        new OptimizedImplementation().Architecture(cpu).Execute(s, op);

    private static int[] Bytes(IEnumerable<ByteRange> ranges) => ranges.SelectMany(r => Enumerable.Range(r.Offset, r.Length)).ToArray();

    [Fact]
    public void Xsaveopt_ComponentsNotInUse_AreUnspecified_TheRestWritten()
    {
        // R20: XSAVEOPT may skip a component whose XINUSE bit is 0; KO §5c: after vzeroupper the YMM area is not written.
        var state = WithPatterns(User(), 0x3); // x87 and SSE in use; YMM, opmask, ZMM init
        var outcome = Ok(Run(XsaveInstruction.Xsaveopt, state, ulong.MaxValue, Cc()));
        int[] expected = [.. Enumerable.Range(YmmOffset, StandardSize - YmmOffset)];
        Assert.Equal(expected, Bytes(outcome.UnspecifiedBytes));
        Assert.Equal(0x3UL, outcome.Buffer!.ReadXstateBv().Bits & 0xE7);
        Assert.True(outcome.Buffer.Span(160, 256).SequenceEqual(state.Component(1).AsSpan()));
        Assert.Equal(0x1F80u, outcome.Buffer.ReadUInt32(24)); // R20: MXCSR always written with RFBM[1]|RFBM[2]
    }

    [Fact]
    public void Xsave_HasNothingUnspecified()
    {
        // R19: XSAVE writes every RFBM component: no freedom.
        Assert.Empty(Ok(Run(XsaveInstruction.Xsave, User(), ulong.MaxValue, Cc())).UnspecifiedBytes);
    }

    [Fact]
    public void Xsave_PageFault_LeavesMemory_AndMarksWhatItWouldHaveWritten()
    {
        // A #PF may hit after part of the area was stored: the bytes the save writes (and only those) are unspecified.
        var area = Cc(1000); // ends inside ZMM_Hi256 (896..1407)
        var outcome = Run(XsaveInstruction.Xsave, User(), 0x21, area); // x87 + opmask: opmask 832..895 fits, header 512..519 too
        Assert.Null(outcome.Fault);
        outcome = Run(XsaveInstruction.Xsave, User(), 0x41, area);     // x87 + ZMM_Hi256 (896..1407) does not fit
        Assert.Equal(FaultKind.PF, KindOf(outcome));
        Assert.Equal(area, outcome.Buffer);
        int[] expected = [.. Enumerable.Range(0, 24), .. Enumerable.Range(32, 128), .. Enumerable.Range(512, 8), .. Enumerable.Range(896, 1000 - 896)];
        Assert.Equal(expected, Bytes(outcome.UnspecifiedBytes));
    }

    [Fact]
    public void Xrstor_PageFault_MakesRfbmComponentsUnspecified()
    {
        var area = StandardImage().WithXstateBv(new(0x80)); // Hi16_ZMM at 1408..2431
        var outcome = Run(XsaveInstruction.Xrstor, User(), ulong.MaxValue, XsaveBuffer.From(area.Span(0, 2000)));
        Assert.Equal(FaultKind.PF, KindOf(outcome));
        Assert.Equal(0xE7UL, outcome.UnspecifiedComponents.Bits);
        Assert.Equal(User(), outcome.State);
    }

    [Fact]
    public void Xrstor_XfdDisabledComponentToLoad_RaisesNmAndSetsXfdErr()
    {
        // R27 / I15: XSTATE_BV[18] = XFD[18] = RFBM[18] = 1 → #NM, IA32_XFD_ERR[18] = 1.
        var state = MachineState.Init(Spr) with { Xcr0 = new(0x602E7), Xfd = new(1UL << 18) };
        var area = XsaveBuffer.Zeroed(11008).WithUInt16(0, 0x037F).WithXstateBv(new(1UL << 18));
        var outcome = On(Spr, state, new XsaveFamilyOp(XsaveInstruction.Xrstor, FeatureMask.All, area));
        Assert.Equal(FaultKind.NM, KindOf(outcome));
        Assert.Equal(1UL << 18, outcome.State.XfdErr.Bits);
        Assert.Equal(state with { XfdErr = new(1UL << 18) }, outcome.State);
    }

    [Fact]
    public void Xrstor_XfdDisabledComponentInitialized_NoFault()
    {
        // R27: only a component that would be *loaded* faults; XSTATE_BV[18] = 0 initializes it.
        var state = MachineState.Init(Spr) with { Xcr0 = new(0x602E7), Xfd = new(1UL << 18) };
        var area = XsaveBuffer.Zeroed(11008).WithUInt16(0, 0x037F);
        Assert.Null(On(Spr, state, new XsaveFamilyOp(XsaveInstruction.Xrstor, FeatureMask.All, area)).Fault);
    }

    [Fact]
    public void Xsavec_XfdDisabledComponent_TreatedAsNotInUse()
    {
        // R27: XSAVE* report XSTATE_BV[i] = 0 for an XFD-disabled component and (except plain XSAVE) leave its area.
        var state = (MachineState.Init(Spr) with { Xcr0 = new(0x602E7) }).WithComponent(18, Pattern(8192, 4)) with { Xfd = new(1UL << 18) };
        var outcome = Ok(On(Spr, state, new XsaveFamilyOp(XsaveInstruction.Xsavec, FeatureMask.All, XsaveBuffer.Filled(12288, 0xCC))));
        Assert.False(outcome.Buffer!.ReadXstateBv().Contains(18));
        Assert.True(AllEqual(outcome.Buffer, 576, 12288, 0xCC));
    }

    [Fact]
    public void Xsaveopt_XfdDisabledComponent_IsNeitherWrittenNorUnspecified()
    {
        // R20 + R27: XSAVEOPT may skip components not in use, but never touches an XFD-disabled one.
        var state = (MachineState.Init(Spr) with { Xcr0 = new(0x602E7) }).WithComponent(18, Pattern(8192, 4)) with { Xfd = new(1UL << 18) };
        var outcome = Ok(On(Spr, state, new XsaveFamilyOp(XsaveInstruction.Xsaveopt, FeatureMask.All, XsaveBuffer.Filled(12288, 0xCC))));
        var unspecified = Bytes(outcome.UnspecifiedBytes);
        Assert.DoesNotContain(2816, unspecified);     // TILEDATA at 0xB00
        Assert.True(AllEqual(outcome.Buffer!, 2816, 2816 + 8192, 0xCC));
    }

    [Fact]
    public void Xsave_XfdDisabledComponent_WrittenWithInitValues()
    {
        // R27: plain XSAVE still writes the area (R19: no init optimization), with XSTATE_BV[i] = 0.
        var state = (MachineState.Init(Spr) with { Xcr0 = new(0x602E7) }).WithComponent(18, Pattern(8192, 4)) with { Xfd = new(1UL << 18) };
        var outcome = Ok(On(Spr, state, new XsaveFamilyOp(XsaveInstruction.Xsave, FeatureMask.All, XsaveBuffer.Filled(12288, 0xCC))));
        Assert.False(outcome.Buffer!.ReadXstateBv().Contains(18));
        Assert.True(AllEqual(outcome.Buffer, 2816, 2816 + 8192, 0));
    }

    [Fact]
    public void Xsavec_AlignsTileConfigAndTileData()
    {
        // R15/R16 on SPR (XCR0 0x602e7): ...2432 (Hi16_ZMM end), PKRU 8 → 2440, TILECFG aligned → 2496, TILEDATA aligned → 2560.
        var state = (MachineState.Init(Spr) with { Xcr0 = new(0x602E7) })
            .WithComponent(9, Pattern(8, 1)).WithComponent(17, Pattern(64, 2)).WithComponent(18, Pattern(8192, 3));
        var outcome = Ok(On(Spr, state, new XsaveFamilyOp(XsaveInstruction.Xsavec, FeatureMask.All, XsaveBuffer.Zeroed(12288))));
        var b = outcome.Buffer!;
        Assert.True(b.Span(2432, 8).SequenceEqual(state.Component(9).AsSpan()));
        Assert.True(b.Span(2496, 64).SequenceEqual(state.Component(17).AsSpan()));
        Assert.True(b.Span(2560, 8192).SequenceEqual(state.Component(18).AsSpan()));
    }

    [Fact]
    public void XsavesThenXrstors_RoundTripsSupervisorState()
    {
        // R22/R25: RFBM = (XCR0 | IA32_XSS) AND EDX:EAX; CET_U/CET_S go through compacted offsets 2432/2448 (KO §0 dmesg).
        var state = AllInUse(Kernel()).WithComponent(11, Pattern(16, 5)).WithComponent(12, Pattern(24, 6));
        var saved = Ok(Run(XsaveInstruction.Xsaves, state, ulong.MaxValue, XsaveBuffer.Zeroed(4096))).Buffer!;
        Assert.Equal(0x80000000000018E7UL, saved.ReadXcompBv().Bits);
        Assert.True(saved.Span(2432, 16).SequenceEqual(state.Component(11).AsSpan()));
        Assert.True(saved.Span(2448, 24).SequenceEqual(state.Component(12).AsSpan()));
        var restored = Ok(Run(XsaveInstruction.Xrstors, Kernel(), ulong.MaxValue, saved)).State;
        Assert.Equal(state, restored);
    }

    [Fact]
    public void Xrstors_StandardForm_GP()
    {
        // R25: XRSTORS needs XCOMP_BV[63] = 1.
        Assert.Equal(FaultKind.GP, KindOf(Run(XsaveInstruction.Xrstors, Kernel(), ulong.MaxValue, StandardImage())));
    }

    [Fact]
    public void Xrstors_SupervisorBitsInXcompBv_AllowedByXss()
    {
        // R25: XCOMP_BV[62:0] is checked against XCR0 | IA32_XSS, so CET bits pass at CPL 0 with XSS set ...
        Assert.Null(Run(XsaveInstruction.Xrstors, Kernel(), ulong.MaxValue, CompactedImage(0xE7, 0x18E7)).Fault);
        // ... but plain XRSTOR checks XCR0 only (R24).
        Assert.Equal(FaultKind.GP, KindOf(Run(XsaveInstruction.Xrstor, Kernel(), ulong.MaxValue, CompactedImage(0xE7, 0x18E7))));
    }

    /// <summary>KO §1b/§1c and R17: XGETBV(0) = XCR0; XGETBV(1) = XCR0 AND XINUSE, SSE in use when MXCSR != 1F80H; others #GP.</summary>
    [Theory]
    [InlineData(0u, 0x0UL, 0x1F80u, 0xE7UL)]
    [InlineData(1u, 0xA2UL, 0x1F80u, 0xA2UL)]   // KO §1b at main entry
    [InlineData(1u, 0x1UL, 0x1FC0u, 0x3UL)]     // KO §1c: ldmxcsr 0x1fc0 → 0x03
    [InlineData(1u, 0x1UL, 0x1F80u, 0x1UL)]     // KO §1c: ldmxcsr 0x1f80 → 0x01
    public void Xgetbv_Returns(uint ecx, ulong inUse, uint mxcsr, ulong expected)
    {
        var outcome = Ok(Run(WithPatterns(User(), inUse) with { Mxcsr = mxcsr }, new XgetbvOp(ecx)));
        Assert.Equal(expected, outcome.ReturnedValue);
    }

    [Fact]
    public void Xgetbv_Ecx2_GP() => Assert.Equal(FaultKind.GP, KindOf(Run(User(), new XgetbvOp(2))));

    [Fact]
    public void Xgetbv_WithoutOsxsave_UD() => Assert.Equal(FaultKind.UD, KindOf(Run(User() with { Cr4Osxsave = false }, new XgetbvOp(0))));

    /// <summary>R8/R9: XSETBV at CPL 0 accepts legal values of the host's 0xe7 and refuses the rest with #GP.</summary>
    [Theory]
    [InlineData(0x0UL, 0x1UL, null)]
    [InlineData(0x0UL, 0x7UL, null)]
    [InlineData(0x0UL, 0xE7UL, null)]
    [InlineData(0x0UL, 0x5UL, FaultKind.GP)]    // AVX without SSE
    [InlineData(0x0UL, 0x27UL, FaultKind.GP)]   // part of AVX-512
    [InlineData(0x0UL, 0x2E7UL, FaultKind.GP)]  // PKRU not supported
    [InlineData(0x0UL, 0x18E7UL, FaultKind.GP)] // supervisor bits never in XCR0
    [InlineData(0x1UL, 0xE7UL, FaultKind.GP)]   // ECX != 0
    public void Xsetbv(ulong ecx, ulong value, FaultKind? expected)
    {
        var state = User() with { Cpl = 0, Xcr0 = new(0x1) };
        var outcome = Run(state, new XsetbvOp((uint)ecx, new(value)));
        Assert.Equal(expected, KindOf(outcome));
        Assert.Equal(expected is null ? value : 0x1UL, outcome.State.Xcr0.Bits);
    }

    [Fact]
    public void Xsetbv_DisabledComponents_AreUnspecifiedAfterwards()
    {
        var outcome = Ok(Run(User() with { Cpl = 0 }, new XsetbvOp(0, new(0x7))));
        Assert.Equal(0xE0UL, outcome.UnspecifiedComponents.Bits);
    }

    /// <summary>R10/R11 on the host (XSAVES, no XFD): XSS takes CET bits only; IA32_XFD does not exist.</summary>
    [Theory]
    [InlineData(ArchMsr.Xss, 0x1800UL, 0, null)]
    [InlineData(ArchMsr.Xss, 0x100UL, 0, FaultKind.GP)]
    [InlineData(ArchMsr.Xss, 0x2UL, 0, FaultKind.GP)]     // user bits never in XSS
    [InlineData(ArchMsr.Xss, 0x1800UL, 3, FaultKind.GP)]  // CPL 3
    [InlineData(ArchMsr.Xfd, 0x0UL, 0, FaultKind.GP)]     // no XFD on the host
    [InlineData(ArchMsr.XfdErr, 0x0UL, 0, FaultKind.GP)]
    public void Wrmsr_OnHost(ArchMsr msr, ulong value, int cpl, FaultKind? expected) =>
        Assert.Equal(expected, KindOf(Run(User() with { Cpl = cpl }, new WrmsrOp(msr, new(value)))));

    [Fact]
    public void Wrmsr_Xfd_OnlyXfdCapableBits()
    {
        // R11: on SPR only TILEDATA (18) has CPUID.(0xD,18).ECX[2] = 1.
        var state = MachineState.Init(Spr) with { Xcr0 = new(0x602E7) };
        var ok = On(Spr, state, new WrmsrOp(ArchMsr.Xfd, new(1UL << 18)));
        Assert.Null(ok.Fault);
        Assert.Equal(1UL << 18, ok.UnspecifiedComponents.Bits); // R27: may revert to init at once
        Assert.Equal(FaultKind.GP, KindOf(On(Spr, state, new WrmsrOp(ArchMsr.Xfd, new(1UL << 17)))));
    }

    [Fact]
    public void Init_ClearsMpxAndCet_KeepsTheRest()
    {
        // R29 on Cascade Lake (MPX) ...
        var mpx = (MachineState.Init(Cascadelake) with { Xcr0 = new(0x2FF), Cpl = 3 })
            .WithComponent(0, X87Pattern(3)).WithComponent(3, Pattern(64, 1)).WithComponent(4, Pattern(64, 2)).WithComponent(7, Pattern(1024, 3));
        var after = Ok(On(Cascadelake, mpx, new InitOp())).State;
        Assert.True(after.Component(3).AsSpan().SequenceEqual(new byte[64]));
        Assert.True(after.Component(4).AsSpan().SequenceEqual(new byte[64]));
        Assert.True(after.Component(0).AsSpan().SequenceEqual(mpx.Component(0).AsSpan()));
        Assert.True(after.Component(7).AsSpan().SequenceEqual(mpx.Component(7).AsSpan()));
        Assert.Equal(0x81UL, after.XinUse.Bits);
        Assert.Equal(0x2FFUL, after.Xcr0.Bits);

        // ... and on the host (CET). KO §4c: everything else kept, CR4 = 0 (OSXSAVE 0), CPL 0.
        var cet = AllInUse(Kernel()).WithComponent(11, Pattern(16, 1)).WithComponent(12, Pattern(24, 2)) with { Mxcsr = 0x1FC0 };
        var afterCet = Ok(Run(cet, new InitOp())).State;
        Assert.Equal(cet.WithComponentInit(11).WithComponentInit(12) with { Cr4Osxsave = false }, afterCet);
    }

    [Fact]
    public void Reset_Xcr0IsX87_XssZero_EverythingInit()
    {
        // R28.
        var state = AllInUse(Kernel()) with { Mxcsr = 0x1FC0 };
        var after = Ok(Run(state, new ResetOp())).State;
        Assert.Equal(0x1UL, after.Xcr0.Bits);
        Assert.Equal(0x0UL, after.Xss.Bits);
        Assert.Equal(0x1F80u, after.Mxcsr);
        foreach (var (i, bytes) in after.Components)
            Assert.True(bytes.AsSpan().SequenceEqual(MachineState.InitImage(i, bytes.Length)), $"component {i}");
    }

    [Fact]
    public void StateThatDoesNotFitTheCpu_IsRefused()
    {
        // A harness error, not an architectural input.
        var foreign = MachineState.Init(Spr);
        Assert.Throws<ArgumentException>(() => Run(foreign, new XgetbvOp(0)));
    }
}
