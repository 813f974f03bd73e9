namespace Xsave.Oracle.Tests.Architecture;

/// <summary>INIT (SPEC R29) and RESET (R28).</summary>
public class InitResetTests
{
    [Fact]
    public void Init_ClearsCetComponents_AndKeepsEverythingElse()
    {
        // R29 on Sapphire Rapids (corpus, CET_U/CET_S supervisor components): CET becomes 0 and not in use; x87, SSE,
        // MXCSR, AVX/AVX-512, PKRU, AMX (UNVERIFIED, as KVM), XCR0, XSS (UNVERIFIED, as KVM), XFD are unchanged.
        var (cpu, state) = XrstorEffectTests.PatternedState("intel-sapphirerapids-806f8", 0x602E7, 0x602E7 | 0x1800, cpl: 0, xss: 0x1800);
        state = state with { Xfd = FeatureMask.Of(XFeature.XtileData) };

        var after = Ok(Run(cpu, state, new InitOp())).State;

        var expected = state.WithComponentInit(XFeature.CetUser).WithComponentInit(XFeature.CetKernel)
            with { Cr4Osxsave = false, Cr0Ts = false, Cpl = 0 };
        Assert.Equal(expected, after);
        Assert.Equal(new FeatureMask(0x602E7), after.XinUse);
        Assert.Equal(new FeatureMask(0x1800), after.Xss);
    }

    [Fact]
    public void Init_ClearsMpxComponents()
    {
        // R29 on Skylake-SP (corpus: XCR0-supported 0x2ff with BNDREGS/BNDCSR): MPX becomes 0 and not in use.
        var (cpu, state) = XrstorEffectTests.PatternedState("intel-skylakexeon-50654", 0x2FF, 0x2FF, cpl: 0);

        var after = Ok(Run(cpu, state, new InitOp())).State;

        Assert.True(after.Component(XFeature.BndRegs).AsSpan().SequenceEqual(new byte[64]));
        Assert.True(after.Component(XFeature.BndCsr).AsSpan().SequenceEqual(new byte[64]));
        Assert.Equal(new FeatureMask(0x2E7), after.XinUse);
        Assert.True(after.Component(XFeature.Pkru).AsSpan().SequenceEqual(state.Component(XFeature.Pkru).AsSpan()));
        Assert.Equal(new FeatureMask(0x2FF), after.Xcr0);
    }

    [Fact]
    public void Init_OnHost_KeepsEveryXsaveRegister()
    {
        // KO §4c: XCR0 0xe7, x87 control words, MXCSR 0x1fc0, XMM/YMM/k/ZMM markers all kept; CR0 -> 0x10, CR4 -> 0.
        var state = XsaveTests.StateWithEverythingInUse() with { Cpl = 0, Mxcsr = 0x1FC0, Cr0Ts = true };
        var after = Ok(Run(HostCpu.Zen5, state, new InitOp())).State;
        Assert.Equal(state with { Cr4Osxsave = false, Cr0Ts = false }, after);
    }

    [Fact]
    public void Reset_GivesXcr0One_XssZero_XfdZero_AndEveryComponentInit()
    {
        // R28: XCR0 = 1, XSS = 0, all components init; KO §3c fresh vCPU: FCW 0x037f, MXCSR 0x1f80, CR4 = 0.
        var cpu = TestSupport.Corpus.Cpu("intel-sapphirerapids-806f8");
        var (_, state) = XrstorEffectTests.PatternedState("intel-sapphirerapids-806f8", 0x602E7, 0x602E7 | 0x1800, cpl: 3, xss: 0x1800);
        state = state with { Xfd = FeatureMask.Of(XFeature.XtileData), XfdErr = FeatureMask.Of(XFeature.XtileData), Cr0Ts = true };

        var after = Ok(Run(cpu, state, new ResetOp())).State;

        Assert.Equal(new FeatureMask(0x1), after.Xcr0);
        Assert.Equal(FeatureMask.None, after.Xss);
        Assert.Equal(FeatureMask.None, after.Xfd);
        Assert.Equal(FeatureMask.None, after.XfdErr);
        Assert.Equal(FeatureMask.None, after.XinUse);
        Assert.Equal(0x1F80u, after.Mxcsr);
        Assert.Equal(0x037F, after.Component(XFeature.Fp)[0] | after.Component(XFeature.Fp)[1] << 8);
        Assert.True(after.Component(XFeature.Fp).AsSpan()[2..].SequenceEqual(new byte[158]));
        foreach (var (i, bytes) in after.Components.Where(c => c.Key != 0))
            Assert.True(bytes.AsSpan().SequenceEqual(new byte[bytes.Length]), $"component {i} is not zero");
        Assert.False(after.Cr4Osxsave);
        Assert.False(after.Cr0Ts);
        Assert.Equal(0, after.Cpl);
    }

    [Fact]
    public void Reset_ThenXsave_UD_BecauseOsxsaveIsClear()
    {
        // KO §3c: CR4 = 0 after RESET, so XSAVE is #UD until the OS sets CR4.OSXSAVE (R18).
        var after = Ok(Run(HostCpu.Zen5, HostCpu.UserState(), new ResetOp())).State;
        Assert.Equal(FaultKind.UD, FaultOf(RunXsave(HostCpu.Zen5, after, 1, XsaveBuffer.Zeroed(4096))).Kind);
    }
}
