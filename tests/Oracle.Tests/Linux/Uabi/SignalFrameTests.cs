namespace Xsave.Oracle.Tests.Linux.Uabi;

/// <summary>
/// R72 signal frames and sigreturn on the KO host, against the KO §6a table (frame: magic1 0x46505853,
/// extended_size 2436, xfeatures 0xe7, xstate_size 2432, magic2 at 2432; sigreturn mutations). The child's state:
/// xmm0 = 0xA0.., ymm0[255:128] = 0xB0.., XSTATE_BV 0x7. PKRU (H17) on Sapphire Rapids.
/// </summary>
public class SignalFrameTests
{
    private const int Xmm0 = 160, Ymm0Hi = 576;

    private sealed record Task(BootResult Boot, Fpstate Fps, PkruHolder Pkru);

    private static Task KoChild()
    {
        var boot = Zen5Boot();
        var task = new Task(boot, LinuxProcess.Start(boot).Leader.Fpu.Fpstate, new PkruHolder());
        var image = XstateRegset.Get(boot, task.Fps, 0, 2432).Data;
        image.AsSpan(Xmm0, 16).Fill(0xA0);
        image.AsSpan(Ymm0Hi, 16).Fill(0xB0);
        Put64(image, 512, 0x7);
        Ok(XstateRegset.Set(boot, task.Fps, task.Pkru, image, 2432));
        return task;
    }

    private static byte[] State(Task t) => XstateRegset.Get(t.Boot, t.Fps, t.Pkru.Value, 2432).Data;

    [Fact]
    public void Frame_Layout_Ko6a()
    {
        var t = KoChild();
        var frame = SignalFrame.Setup(t.Boot, t.Fps, t.Pkru.Value);
        Assert.Equal(2436, frame.Length);
        Assert.Equal(0x46505853u, U32(frame, 464));
        Assert.Equal(2436u, U32(frame, 468));
        Assert.Equal(0xE7UL, U64(frame, 472));
        Assert.Equal(2432u, U32(frame, 480));
        Assert.Equal(0x46505845u, U32(frame, 2432));
        Assert.Equal(0x7UL, U64(frame, 512));  // XINUSE (| FP|SSE)
        Assert.Equal(0UL, U64(frame, 520));
        Assert.Equal(0xA0, frame[Xmm0]);
        Assert.Equal(0xB0, frame[Ymm0Hi]);
    }

    [Fact]
    public void Frame_ForcesFpSseIntoXstateBv_R72()
    {
        var boot = Zen5Boot();
        var fps = LinuxProcess.Start(boot).Leader.Fpu.Fpstate; // fresh: nothing in use
        var frame = SignalFrame.Setup(boot, fps, 0);
        Assert.Equal(0x3UL, U64(frame, 512));
    }

    private static SigreturnResult Return(Task t, Action<byte[]> handler)
    {
        var frame = SignalFrame.Setup(t.Boot, t.Fps, t.Pkru.Value);
        handler(frame);
        return SigReturn.Restore(t.Boot, t.Fps, t.Pkru, frame);
    }

    [Fact]
    public void Sigreturn_Unchanged_RestoresYmm()
    {
        var t = KoChild();
        Assert.Equal(SigreturnOutcome.Restored, Return(t, _ => { }).Outcome);
        Assert.Equal(0xB0, State(t)[Ymm0Hi]);
    }

    [Fact]
    public void Sigreturn_HandlerEditsYmm_IsLoaded()
    {
        var t = KoChild();
        Assert.Equal(SigreturnOutcome.Restored, Return(t, f => f.AsSpan(Ymm0Hi, 16).Fill(0x77)).Outcome);
        Assert.Equal(0x77, State(t)[Ymm0Hi]);
    }

    [Fact]
    public void Sigreturn_XstateBvWithoutYmm_InitialisesYmm()
    {
        var t = KoChild();
        Assert.Equal(SigreturnOutcome.Restored, Return(t, f => Put64(f, 512, U64(f, 512) & ~4UL)).Outcome);
        Assert.Equal(0, State(t)[Ymm0Hi]);
        Assert.Equal(0xA0, State(t)[Xmm0]);
    }

    /// <summary>KO §6a rows ending in SIGSEGV: the kernel's XRSTOR from the frame faults; user state is reset.</summary>
    [Theory]
    [InlineData(512, 0x7UL | 1UL << 3)] // XSTATE_BV |= bit 3
    [InlineData(528, 0x1UL)]            // header byte 16
    [InlineData(520, 0x1UL)]            // XCOMP_BV = 1
    public void Sigreturn_Sigsegv_Ko6a(int offset, ulong value)
    {
        var t = KoChild();
        var result = Return(t, f => Put64(f, offset, value));
        Assert.Equal(SigreturnOutcome.FailedSigsegv, result.Outcome);
        Assert.Equal(0, State(t)[Ymm0Hi]);
        Assert.Equal(0, State(t)[Xmm0]);
    }

    [Fact]
    public void Sigreturn_Sigsegv_ForReservedMxcsr_Ko6a()
    {
        var t = KoChild();
        Assert.Equal(SigreturnOutcome.FailedSigsegv, Return(t, f => Put32(f, 24, 0x11F80)).Outcome);
    }

    [Fact]
    public void Sigreturn_HeaderByte24_IsAccepted_Ko6a()
    {
        var t = KoChild();
        Assert.Equal(SigreturnOutcome.Restored, Return(t, f => f[536] = 1).Outcome);
        Assert.Equal(0xB0, State(t)[Ymm0Hi]);
    }

    [Fact]
    public void Sigreturn_CompactedFrame_IsAccepted_Ko6a()
    {
        var t = KoChild();
        Assert.Equal(SigreturnOutcome.Restored, Return(t, f => Put64(f, 520, 0x80000000000000E7UL)).Outcome);
        Assert.Equal(0xB0, State(t)[Ymm0Hi]); // compacted offsets of 0xe7 equal the standard ones on this CPU (KO §1a)
    }

    [Theory]
    [InlineData(464, 0x12345678u)] // corrupt magic1
    [InlineData(2432, 0x12345678u)] // corrupt magic2
    [InlineData(480, 576u)]         // xstate_size = 576
    public void Sigreturn_BadSwBytes_FxOnlyRestore_Ko6a(int offset, uint value)
    {
        var t = KoChild();
        Assert.Equal(SigreturnOutcome.RestoredFxOnly, Return(t, f => Put32(f, offset, value)).Outcome);
        Assert.Equal(0xA0, State(t)[Xmm0]);
        Assert.Equal(0, State(t)[Ymm0Hi]);
    }

    [Fact]
    public void Sigreturn_SwXfeaturesFpSseOnly_InitialisesYmm_Ko6a()
    {
        var t = KoChild();
        Assert.Equal(SigreturnOutcome.Restored, Return(t, f => Put64(f, 472, 0x3)).Outcome);
        Assert.Equal(0, State(t)[Ymm0Hi]);
        Assert.Equal(0xA0, State(t)[Xmm0]);
    }

    [Fact]
    public void Sigreturn_SwXfeaturesExtraBit_IsMasked_Ko6a()
    {
        var t = KoChild();
        Assert.Equal(SigreturnOutcome.Restored, Return(t, f => Put64(f, 472, 0xE7 | 1UL << 9)).Outcome);
        Assert.Equal(0xB0, State(t)[Ymm0Hi]);
    }

    /// <summary>KO §6a last row: standard-form XRSTOR loads MXCSR whatever XSTATE_BV says (R23).</summary>
    [Fact]
    public void Sigreturn_MxcsrLoadedWithFpOnlyXstateBv_Ko6a()
    {
        var t = KoChild();
        var result = Return(t, f =>
        {
            Put32(f, 24, 0x1FC0);
            f.AsSpan(Ymm0Hi, 16).Fill(0x77);
            Put64(f, 512, 0x1);
        });
        Assert.Equal(SigreturnOutcome.Restored, result.Outcome);
        var state = State(t);
        Assert.Equal(0x1FC0u, U32(state, 24));
        Assert.Equal(0, state[Xmm0]);
        Assert.Equal(0, state[Ymm0Hi]);
    }

    /// <summary>
    /// H17: the frame always carries PKRU with XSTATE_BV[PKRU] = 1, even when PKRU is in init state in the registers, so
    /// that sigreturn's XRSTOR loads the value the handler leaves there (SignalFrame.Setup's OSPKE block). SPR: PKRU at
    /// 0xA80 (corpus sub-leaf 9).
    /// </summary>
    [Fact]
    public void Frame_ForcesPkruIntoXstateBv_H17()
    {
        var boot = SprBoot();
        Assert.True(boot.Caps.Has(CpuCap.Ospke));
        var fps = LinuxProcess.Start(boot).Leader.Fpu.Fpstate;
        var pkru = new PkruHolder(0x55555554);
        var frame = SignalFrame.Setup(boot, fps, pkru.Value);
        Assert.True(new FeatureMask(U64(frame, 512)).Contains(XFeature.Pkru));
        Assert.Equal(0x55555554u, U32(frame, 0xA80));

        Put32(frame, 0xA80, 0x1);
        Assert.Equal(SigreturnOutcome.Restored, SigReturn.Restore(boot, fps, pkru, frame).Outcome);
        Assert.Equal(0x1u, pkru.Value);
    }
}
