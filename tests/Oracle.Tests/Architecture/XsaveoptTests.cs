namespace Xsave.Oracle.Tests.Architecture;

/// <summary>XSAVEOPT (SPEC R20; KO §5c): the init optimization as unspecified bytes.</summary>
public class XsaveoptTests
{
    private static readonly CpuModel Cpu = HostCpu.Zen5;

    [Fact]
    public void Xsaveopt_AfterVzeroupper_XstateBvIsSseAndX87_AndAvxAreaNotWritten()
    {
        // KO §5c last row: fresh buffer after vzeroupper -> XSTATE_BV = 0x3 and the YMM area is not written.
        var state = HostCpu.UserState()
            .WithComponent(XFeature.Fp, X87Pattern(1))
            .WithComponent(XFeature.Sse, Pattern(256, 2));

        var fresh = Ok(RunXsaveopt(Cpu, state, 7, XsaveBuffer.Zeroed(4096)));
        Assert.Equal(0x3UL, fresh.Buffer!.ReadXstateBv().Bits);

        var cc = Ok(RunXsaveopt(Cpu, state, 7, HostCpu.CcBuffer()));
        Assert.True(AllEqual(cc.Buffer!, 576, 832, 0xCC));
        Assert.Equal(new[] { new ByteRange(576, 256) }, cc.UnspecifiedBytes.ToArray());
    }

    [Fact]
    public void Xsaveopt_ReportsEveryRfbmComponentNotInUse_AsUnspecified_AndStillWritesMxcsr()
    {
        // R20: components with XINUSE[i] = 0 may be skipped; MXCSR is always written when RFBM[1] | RFBM[2].
        // R12: x87 is 0..23 and 32..159 (24..31 is MXCSR/MXCSR_MASK); XMM 160..415; YMM at 576 (KO §1a), 256 bytes.
        var outcome = Ok(RunXsaveopt(Cpu, HostCpu.UserState(), 7, HostCpu.CcBuffer()));

        Assert.Equal(new[] { new ByteRange(0, 24), new ByteRange(32, 128), new ByteRange(160, 256), new ByteRange(576, 256) },
            outcome.UnspecifiedBytes.ToArray());
        Assert.Equal(0x1F80u, outcome.Buffer!.ReadUInt32(24));
        Assert.Equal(0x2FFFFu, outcome.Buffer.ReadUInt32(28));
        Assert.Equal(0UL, outcome.Buffer.ReadXstateBv().Bits & 7);
    }

    [Fact]
    public void Xsaveopt_PageFault_LeavesTheComponentsItMaySkip_Unspecified()
    {
        // F11 (QEMU 7.2 writes the init x87 image before faulting): a #PF leaves unspecified every byte the save may
        // write, including those of components the init optimization may skip or save (R20). RFBM = 7 reaches the YMM
        // area (576..832, KO §1a), so a 700-byte buffer faults (F2: the operand is the whole area).
        var outcome = RunXsaveopt(Cpu, HostCpu.UserState(), 7, HostCpu.CcBuffer(700));

        Assert.Equal(FaultKind.PF, FaultOf(outcome).Kind);
        foreach (var skippable in new[] { new ByteRange(0, 24), new ByteRange(32, 128), new ByteRange(160, 256) })
            Assert.Contains(outcome.UnspecifiedBytes, r => r.Offset <= skippable.Offset && r.End >= skippable.End);
    }

    [Fact]
    public void Xsaveopt_WritesComponentsInUse_LikeXsave()
    {
        // R20: same RFBM and XSTATE_BV formula as XSAVE; components in use are written at their standard offsets.
        var state = XsaveTests.StateWithEverythingInUse();
        var opt = Ok(RunXsaveopt(Cpu, state, ulong.MaxValue, HostCpu.CcBuffer()));
        var plain = Ok(RunXsave(Cpu, state, ulong.MaxValue, HostCpu.CcBuffer()));

        Assert.Empty(opt.UnspecifiedBytes);
        Assert.Equal(plain.Buffer, opt.Buffer);
    }

    [Fact]
    public void Xsaveopt_OutcomeMatchesXsave_ExceptWhereUnspecified()
    {
        // R20 consequence: an implementation that writes init values where XSAVEOPT may skip (i.e. behaves like XSAVE)
        // is conformant: the outcome comparison ignores the unspecified bytes. R20a: the reference's set decides, so
        // XSAVE as the reference refuses the bytes XSAVEOPT skipped.
        var state = HostCpu.UserState().WithComponent(XFeature.Opmask, Pattern(64, 3));
        var opt = Ok(RunXsaveopt(Cpu, state, ulong.MaxValue, HostCpu.CcBuffer()));
        var plain = Ok(RunXsave(Cpu, state, ulong.MaxValue, HostCpu.CcBuffer()));

        Assert.NotEqual(plain.Buffer, opt.Buffer);
        Assert.Empty(opt.Differences(plain));
        Assert.NotEmpty(plain.Differences(opt));
    }

    [Fact]
    public void Xsaveopt_XstateBv_KeepsOldBitsOutsideRfbm()
    {
        // R20: same XSTATE_BV formula as XSAVE (R19).
        var state = HostCpu.UserState() with { XinUse = new FeatureMask(0x3) };
        var after = Ok(RunXsaveopt(Cpu, state, 0x3, HostCpu.CcBuffer().WithXstateBv(FeatureMask.All))).Buffer!;
        Assert.Equal(0xFFFFFFFFFFFFFFFFUL, after.ReadXstateBv().Bits);
    }

    [Fact]
    public void Xsaveopt_UD_WhenCpuLacksXsaveopt()
    {
        // R18, R5: CPUID.(0xD,1).EAX[0] = 0 -> #UD. AMD Interlagos reports sub-leaf 1 all zero (corpus).
        var cpu = TestSupport.Corpus.Cpu("amd-interlagos-600f12");
        Assert.False(cpu.HasXsaveopt);
        var state = MachineState.Init(cpu) with { Xcr0 = new FeatureMask(0x7) };

        Assert.Equal(FaultKind.UD, FaultOf(RunXsaveopt(cpu, state, 7, XsaveBuffer.Zeroed(4096))).Kind);
        Ok(RunXsave(cpu, state, 7, XsaveBuffer.Zeroed(4096)));
    }
}
