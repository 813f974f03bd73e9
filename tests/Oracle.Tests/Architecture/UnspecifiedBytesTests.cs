namespace Xsave.Oracle.Tests.Architecture;

/// <summary>
/// SPEC R20a: the bytes and XSTATE_BV bits a conforming CPU may write differently, in both directions — a subject that
/// writes the other allowed value passes, one that writes a disallowed value fails. Expected values from the SDM
/// (XSAVE/XSAVEOPT/XSAVEC/XSAVES pages, Vol.1 13.6 and 13.8.3) and KO §5c, never from the oracle's bytes.
/// </summary>
public class UnspecifiedBytesTests
{
    private static readonly CpuModel Cpu = HostCpu.Zen5;
    private const int AvxOffset = 576; // KO §1a: YMM_Hi128 at 576, 256 bytes

    /// <summary>A state whose AVX registers hold data, XRSTORed from a 0xCC-filled standard image at the default address.</summary>
    private static (MachineState State, XsaveBuffer Image) Restored(int cpl = 3, ulong rfbm = 7)
    {
        var image = HostCpu.CcBuffer().WithBytes(0, X87Pattern(1)).WithUInt32(24, 0x1F80).WithUInt32(28, 0)
            .WithXstateBv(new FeatureMask(0x7)).WithXcompBv(FeatureMask.None).WithBytes(528, new byte[48]);
        var loaded = Ok(RunXrstor(Cpu, HostCpu.UserState() with { Cpl = cpl }, rfbm, image));
        return (loaded.State, image);
    }

    /// <summary>What a CPU that applied the modified optimization to AVX writes: the area's old bytes stay.</summary>
    private static InstructionOutcome SkippedAvx(InstructionOutcome reference, XsaveBuffer old) =>
        reference with { Buffer = reference.Buffer!.WithBytes(AvxOffset, old.Span(AvxOffset, 256)) };

    [Fact]
    public void AfterXrstorFromTheSameAddress_SkippingAnUnmodifiedComponent_PassesForXsaveopt_FailsForXsave()
    {
        // R20a, SDM XSAVEOPT: "may optimize and not save state component i if it has not been modified since the last
        // XRSTOR and this execution corresponds to it"; XSAVE "always writes all requested xfeatures" (R19).
        var (state, _) = Restored();
        var fresh = XsaveBuffer.Zeroed(4096); // same (default) address, other contents: what software does between the two
        var opt = Ok(RunXsaveopt(Cpu, state, 7, fresh));
        var plain = Ok(RunXsave(Cpu, state, 7, fresh));

        Assert.Empty(opt.Differences(SkippedAvx(opt, fresh)));
        Assert.NotEmpty(plain.Differences(SkippedAvx(plain, fresh)));
    }

    [Fact]
    public void XsaveoptToAnotherAddress_OrAfterTheRegistersChanged_MustWrite()
    {
        // KO §5c: "XSAVEOPT to a different buffer: rewritten"; "ymm0 reloaded with the same value: rewritten".
        var (state, _) = Restored();
        var elsewhere = XsaveBuffer.Zeroed(4096, XsaveBuffer.DefaultAddress + 4096);
        var opt = Ok(RunXsaveopt(Cpu, state, 7, elsewhere));
        Assert.NotEmpty(opt.Differences(SkippedAvx(opt, elsewhere)));

        var rewritten = state.WithComponent(XFeature.Ymm, state.Component(XFeature.Ymm).AsSpan());
        var fresh = XsaveBuffer.Zeroed(4096);
        var after = Ok(RunXsaveopt(Cpu, rewritten, 7, fresh));
        Assert.NotEmpty(after.Differences(SkippedAvx(after, fresh)));
    }

    [Fact]
    public void XsaveoptAtAnotherCpl_MustWrite()
    {
        // R20a: XRSTOR_INFO includes the CPL.
        var (state, _) = Restored(cpl: 3);
        var fresh = XsaveBuffer.Zeroed(4096);
        var opt = Ok(RunXsaveopt(Cpu, state with { Cpl = 0 }, 7, fresh));
        Assert.NotEmpty(opt.Differences(SkippedAvx(opt, fresh)));
    }

    [Fact]
    public void Xsavec_NeverUsesTheModifiedOptimization()
    {
        // R20a: "XSAVEC does not use it". AVX lands at 576 in the compacted form too (C = 0x7, R15).
        var (state, _) = Restored();
        var fresh = XsaveBuffer.Zeroed(4096);
        var c = Ok(RunXsavec(Cpu, state, 7, fresh));
        Assert.NotEmpty(c.Differences(SkippedAvx(c, fresh)));
    }

    [Fact]
    public void Xsaves_AfterXrstorsFromTheSameArea_MaySkip()
    {
        // R20a, SDM XSAVES: the modified optimization applies when XRSTOR_INFO = (CPL, address, COMPMASK = XCOMP_BV).
        var state = HostCpu.UserState() with { Cpl = 0 };
        var busy = state.WithComponent(XFeature.Fp, X87Pattern(4)).WithComponent(XFeature.Ymm, Pattern(256, 9));
        var saved = Ok(RunXsaves(Cpu, busy, 7, XsaveBuffer.Zeroed(4096))).Buffer!;
        var loaded = Ok(RunXrstors(Cpu, state, 7, saved)).State;
        var fresh = XsaveBuffer.Zeroed(4096);
        var s = Ok(RunXsaves(Cpu, loaded, 7, fresh));
        Assert.Empty(s.Differences(SkippedAvx(s, fresh)));
        // A different COMPMASK (RFBM 3 gives XCOMP_BV 0x8000000000000003) does not correspond: ST0-7 must be written.
        var narrower = Ok(RunXsaves(Cpu, loaded, 3, fresh));
        Assert.NotEmpty(narrower.Differences(narrower with { Buffer = narrower.Buffer!.WithBytes(32, fresh.Span(32, 128)) }));
    }

    [Fact]
    public void ComponentInItsInitConfiguration_XstateBvBitIsEitherValue_OthersAreNot()
    {
        // R20a, SDM XSAVE: "if the state component is in its initial configuration, XSTATE_BV[i] may be written with
        // either 0 or 1". AVX in use but all zero; x87 holds data (bit 0 defined); bit 3 outside RFBM keeps OLD_BV.
        var state = HostCpu.UserState().WithComponent(XFeature.Fp, X87Pattern(2)).WithComponent(XFeature.Ymm, new byte[256]);
        var outcome = Ok(RunXsave(Cpu, state, 7, HostCpu.CcBuffer()));
        var bv = outcome.Buffer!.ReadXstateBv();

        Assert.Empty(outcome.Differences(outcome with { Buffer = outcome.Buffer.WithXstateBv(bv ^ new FeatureMask(0x4)) }));
        Assert.NotEmpty(outcome.Differences(outcome with { Buffer = outcome.Buffer.WithXstateBv(bv ^ new FeatureMask(0x1)) }));
        Assert.NotEmpty(outcome.Differences(outcome with { Buffer = outcome.Buffer.WithXstateBv(bv ^ new FeatureMask(0x8)) }));
        // XSAVE writes the AVX bytes either way (init values), so they stay defined.
        Assert.NotEmpty(outcome.Differences(SkippedAvx(outcome, HostCpu.CcBuffer())));
    }

    [Fact]
    public void StandardForm_HeaderReservedBytesAndXcompBv_AreNeverUnspecified()
    {
        // R20a: "XCOMP_BV (standard form), the reserved header bytes and legacy bytes 464..511 are never written".
        var (state, _) = Restored();
        foreach (var outcome in new[] { Ok(RunXsaveopt(Cpu, state, 7, HostCpu.CcBuffer())), Ok(RunXsave(Cpu, HostCpu.UserState(), 7, HostCpu.CcBuffer())) })
        {
            var b = outcome.Buffer!;
            Assert.NotEmpty(outcome.Differences(outcome with { Buffer = b.WithXcompBv(FeatureMask.None) }));
            Assert.NotEmpty(outcome.Differences(outcome with { Buffer = b.WithByte(540, 0) }));
            Assert.NotEmpty(outcome.Differences(outcome with { Buffer = b.WithByte(470, 0) }));
        }
    }

    [Fact]
    public void XmmZeroWithMxcsrChanged_XsaveBitIsEitherValue_XsavecBitIsOne()
    {
        // SDM XSAVE: "XINUSE[1] pertains only to the XMM registers ... XSTATE_BV[1] may be written with 0 even if MXCSR
        // does not have its RESET value"; SDM XSAVEC (R21): SSE is saved whenever MXCSR != 1F80H.
        var state = HostCpu.UserState() with { Mxcsr = 0x1F00 };
        var plain = Ok(RunXsave(Cpu, state, 3, HostCpu.CcBuffer()));
        var c = Ok(RunXsavec(Cpu, state, 3, HostCpu.CcBuffer()));

        Assert.True(plain.UnspecifiedXstateBv.Contains(XFeature.Sse));
        Assert.False(c.UnspecifiedXstateBv.Contains(XFeature.Sse));
        Assert.True(c.Buffer!.ReadXstateBv().Contains(XFeature.Sse));
        Assert.NotEmpty(c.Differences(c with { Buffer = c.Buffer.WithXstateBv(FeatureMask.None) }));
    }

    [Fact]
    public void Xsavec_ComponentInItsInitConfiguration_MayBeSavedOrNot()
    {
        // SDM XSAVEC: XINUSE[i] of a component in its init configuration may be 0 or 1, and XSAVEC saves it only when 1:
        // its bit and its bytes are open; MXCSR goes with SSE (KO §5b), so bytes 24..31 too.
        var outcome = Ok(RunXsavec(Cpu, HostCpu.UserState(), 7, HostCpu.CcBuffer()));
        Assert.Equal(new FeatureMask(0x7), outcome.UnspecifiedXstateBv);
        Assert.Contains(outcome.UnspecifiedBytes, r => r.Contains(24) && r.Contains(31));
        Assert.Contains(outcome.UnspecifiedBytes, r => r.Contains(AvxOffset) && r.Contains(AvxOffset + 255));
        // XCOMP_BV is always written in the compacted form: defined.
        Assert.NotEmpty(outcome.Differences(outcome with { Buffer = outcome.Buffer!.WithXcompBv(FeatureMask.None) }));
    }
}
