namespace Xsave.Oracle.Tests.Architecture;

/// <summary>
/// Extended feature disable (SPEC R11, R27), from the rule text: the host has no XFD. Sapphire Rapids (corpus)
/// enumerates XFD (CPUID.(0xD,1).EAX[4]) and XTILEDATA with ECX[2] = 1 (sub-leaf 18 ECX = 6).
/// </summary>
public class XfdTests
{
    private static readonly CpuModel Spr = TestSupport.Corpus.Cpu("intel-sapphirerapids-806f8");
    private static readonly FeatureMask TileData = FeatureMask.Of(XFeature.XtileData);

    /// <summary>Kernel-mode state, XCR0 = 0x602e7, TILEDATA in use, XFD[18] = 1.</summary>
    private static MachineState Disabled() =>
        (MachineState.Init(Spr) with { Xcr0 = new FeatureMask(0x602E7) })
        .WithComponent(XFeature.XtileData, Fill(8192, 0x52)) with { Xfd = TileData };

    /// <summary>A standard image (R14: TILEDATA at 2816 on SPR) with XSTATE_BV = <paramref name="xstateBv"/>.</summary>
    private static XsaveBuffer StandardImage(ulong xstateBv) =>
        XsaveBuffer.Zeroed(11008).WithUInt16(0, 0x037F).WithUInt32(24, 0x1F80).WithXstateBv(new FeatureMask(xstateBv))
            .WithBytes(2816, Fill(8192, 0x77));

    [Fact]
    public void Wrmsr_Xfd_AcceptsXfdCapableComponent_AndReportsItUnspecified()
    {
        // R11: XFD[18] allowed (ECX[2] = 1). R27: setting XFD[i] may revert component i to init at once.
        var state = MachineState.Init(Spr) with { Xcr0 = new FeatureMask(0x602E7) };
        var outcome = Ok(Run(Spr, state, new WrmsrOp(ArchMsr.Xfd, TileData)));
        Assert.Equal(TileData, outcome.State.Xfd);
        Assert.Equal(TileData, outcome.UnspecifiedComponents);
    }

    [Fact]
    public void Wrmsr_Xfd_GP_ForComponentWithoutXfdSupport()
    {
        // R11: TILECFG (17) has ECX[2] = 0 on SPR.
        var outcome = Run(Spr, MachineState.Init(Spr), new WrmsrOp(ArchMsr.Xfd, FeatureMask.Of(XFeature.XtileCfg)));
        Assert.Equal(FaultKind.GP, FaultOf(outcome).Kind);
    }

    [Fact]
    public void Wrmsr_Xfd_GP_OnCpuWithoutXfd()
    {
        // R5, R11: the host has no XFD (CPUID.(0xD,1).EAX = 0xf, KO §1a): IA32_XFD does not exist.
        var outcome = Run(HostCpu.Zen5, MachineState.Init(HostCpu.Zen5), new WrmsrOp(ArchMsr.Xfd, FeatureMask.None));
        Assert.Equal(FaultKind.GP, FaultOf(outcome).Kind);
    }

    [Fact]
    public void Wrmsr_XfdErr_SetsTheRegister()
    {
        var outcome = Ok(Run(Spr, MachineState.Init(Spr), new WrmsrOp(ArchMsr.XfdErr, TileData)));
        Assert.Equal(TileData, outcome.State.XfdErr);
    }

    [Fact]
    public void Xrstor_NM_WhenLoadingXfdDisabledComponent_AndRecordsXfdErr()
    {
        // R27: RFBM[18] = XSTATE_BV[18] = XFD[18] = 1 -> #NM, XFD_ERR |= bit 18; nothing else changes.
        var state = Disabled();
        var outcome = RunXrstor(Spr, state, ulong.MaxValue, StandardImage(0x40003));

        var fault = FaultOf(outcome);
        Assert.Equal(FaultKind.NM, fault.Kind);
        Assert.Equal("R27", fault.Rule);
        Assert.Equal(state with { XfdErr = TileData }, outcome.State);
    }

    [Fact]
    public void Xrstor_InitializesXfdDisabledComponent_WhenXstateBvClear()
    {
        // R26/R27: XSTATE_BV[18] = 0 -> the component is initialized, no #NM.
        var after = Ok(RunXrstor(Spr, Disabled(), ulong.MaxValue, StandardImage(0x3))).State;
        Assert.True(after.Component(XFeature.XtileData).AsSpan().SequenceEqual(new byte[8192]));
        Assert.False(after.XinUse.Contains(XFeature.XtileData));
        Assert.Equal(FeatureMask.None, after.XfdErr);
    }

    [Fact]
    public void Xrstor_NoNM_WhenRfbmExcludesXfdDisabledComponent() =>
        Ok(RunXrstor(Spr, Disabled(), 0x3, StandardImage(0x40003)));

    [Fact]
    public void CompactedXrstor_And_Xrstors_NM_WhenLoadingXfdDisabledComponent()
    {
        var buffer = XsaveBuffer.Zeroed(12288).WithXcompBv(new FeatureMask(0x8000000000060000UL)).WithXstateBv(TileData);
        Assert.Equal(FaultKind.NM, FaultOf(RunXrstor(Spr, Disabled(), ulong.MaxValue, buffer)).Kind);
        Assert.Equal(FaultKind.NM, FaultOf(RunXrstors(Spr, Disabled(), ulong.MaxValue, buffer)).Kind);
    }

    [Fact]
    public void Xsave_WritesXfdDisabledComponentWithInitValues_AndClearsItsXstateBvBit()
    {
        // R27: XSAVE treats it as not in use (XSTATE_BV[18] = 0) but still writes its area, with init values (R19).
        var after = Ok(RunXsave(Spr, Disabled(), ulong.MaxValue, XsaveBuffer.Filled(11008, 0xCC))).Buffer!;
        Assert.False(after.ReadXstateBv().Contains(XFeature.XtileData));
        Assert.True(AllEqual(after, 2816, 11008, 0x00));
    }

    [Fact]
    public void Xsavec_NeverTouchesXfdDisabledComponent()
    {
        // R27: XSAVEC leaves the area alone (R15 compacted TILEDATA at 2560 on SPR); XCOMP_BV still reserves it.
        var after = Ok(RunXsavec(Spr, Disabled(), ulong.MaxValue, XsaveBuffer.Filled(12288, 0xCC))).Buffer!;
        Assert.Equal(0UL, after.ReadXstateBv().Bits);
        Assert.Equal(0x80000000000602E7UL, after.ReadXcompBv().Bits);
        Assert.True(AllEqual(after, 2560, 10752, 0xCC));
    }

    [Fact]
    public void Xsaveopt_NeverTouchesXfdDisabledComponent_AndDoesNotCallItUnspecified()
    {
        // R27: its area stays as it was, which is defined, unlike a component XSAVEOPT skips for the init optimization.
        var outcome = Ok(RunXsaveopt(Spr, Disabled(), ulong.MaxValue, XsaveBuffer.Filled(11008, 0xCC)));
        Assert.True(AllEqual(outcome.Buffer!, 2816, 11008, 0xCC));
        Assert.DoesNotContain(outcome.UnspecifiedBytes, r => r.Offset <= 2816 && 2816 < r.End);
    }

    [Fact]
    public void Xrstor_HeaderGP_TakesPriorityOverXfdNM()
    {
        // Fault order: #GP(header) (step 6) before #NM(XFD) (step 8).
        var buffer = StandardImage(0x40003).WithByte(528, 1);
        Assert.Equal(FaultKind.GP, FaultOf(RunXrstor(Spr, Disabled(), ulong.MaxValue, buffer)).Kind);
    }

    [Fact]
    public void Xrstor_MxcsrGP_TakesPriorityOverXfdNM()
    {
        // Fault order: #GP(MXCSR) (step 7) before #NM(XFD) (step 8); Intel MXCSR_MASK 0xffff.
        var buffer = StandardImage(0x40003).WithUInt32(24, 0x21F80);
        Assert.Equal(FaultKind.GP, FaultOf(RunXrstor(Spr, Disabled(), ulong.MaxValue, buffer)).Kind);
    }

    [Fact]
    public void Xrstor_XfdNM_TakesPriorityOverPageFault()
    {
        // Fault order: #NM(XFD) (step 8) before #PF on component data (step 9): the buffer ends before TILEDATA.
        var buffer = XsaveBuffer.Zeroed(1024).WithUInt16(0, 0x037F).WithUInt32(24, 0x1F80).WithXstateBv(new FeatureMask(0x40003));
        Assert.Equal(FaultKind.NM, FaultOf(RunXrstor(Spr, Disabled(), ulong.MaxValue, buffer)).Kind);
    }
}
