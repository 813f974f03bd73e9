using System.Buffers.Binary;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.World;

namespace Xsave.Optimized.Tests.Linux.Signal;

/// <summary>
/// Signal frames and rt_sigreturn (SPEC R72) through the optimized kernel, against the KO §6a measurements on the Zen 5
/// host: the frame's words, the mutation table (accepted / SIGSEGV / fx-only), the sigaltstack sizes, AT_MINSIGSTKSZ
/// (KO §1b). The child's state before the signal: XMM0 = 0xA0.., YMM0[255:128] = 0xB0.., XSTATE_BV 0x7.
/// </summary>
public class SignalFrameTests
{
    private const int Xmm0 = 160, Ymm0Hi = 576;

    private static OptimizedKernel KoChild()
    {
        var k = new OptimizedKernel(Hosts.Zen5());
        var image = k.Apply(new PtraceGetXstateOp(1, 0, 2432)).Data!;
        image.AsSpan(Xmm0, 16).Fill(0xA0);
        image.AsSpan(Ymm0Hi, 16).Fill(0xB0);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(512), 0x7);
        Assert.Equal(0, k.Apply(new PtraceSetXstateOp(1, 0, image)).Result);
        return k;
    }

    private static byte[] Regs(OptimizedKernel k) => k.Apply(new PtraceGetXstateOp(1, 0, 2432)).Data!;

    private static bool Filled(byte[] b, int at, byte v) => b.AsSpan(at, 16).IndexOfAnyExcept(v) < 0;

    [Fact]
    public void MinSigStkSz_Is3376_OnTheZen5Host() =>
        Assert.Equal(3376UL, new OptimizedKernel(Hosts.Zen5()).Apply(new MinSigStkSzOp(1)).Value);

    [Fact]
    public void Frame_HasTheMeasuredWords()
    {
        var frame = KoChild().Apply(new SignalDeliverOp(1, 0)).Data!;
        Assert.Equal(2436, frame.Length);
        Assert.Equal(0x46505853u, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(464)));
        Assert.Equal(2436u, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(468)));
        Assert.Equal(0xE7UL, BinaryPrimitives.ReadUInt64LittleEndian(frame.AsSpan(472)));
        Assert.Equal(2432u, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(480)));
        Assert.Equal(0x46505845u, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(2432)));
        Assert.Equal(0x7UL, BinaryPrimitives.ReadUInt64LittleEndian(frame.AsSpan(512)));
        Assert.True(Filled(frame, Ymm0Hi, 0xB0));
    }

    [Fact]
    public void Handler_StartsFromInitStates()
    {
        var k = KoChild();
        k.Apply(new SignalDeliverOp(1, 0));
        var regs = Regs(k);
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(regs.AsSpan(512)) & 0x7);
        Assert.Equal(0x37F, BinaryPrimitives.ReadUInt16LittleEndian(regs));
        Assert.Equal(0x1F80u, BinaryPrimitives.ReadUInt32LittleEndian(regs.AsSpan(24)));
    }

    public enum After { Restored, Sigsegv, FxOnly, YmmInit }

    /// <summary>KO §6a, one row each: the handler's edit (XOR at an offset) and what the child sees after sigreturn.</summary>
    [Theory]
    [InlineData(-1, 0UL, After.Restored)]
    [InlineData(512, 0x4UL, After.YmmInit)]             // XSTATE_BV &= ~YMM
    [InlineData(512, 0x8UL, After.Sigsegv)]             // XSTATE_BV |= bit 3
    [InlineData(528, 0x1UL, After.Sigsegv)]             // header byte 16
    [InlineData(536, 0x1UL, After.Restored)]            // header byte 24: not checked by standard-form XRSTOR
    [InlineData(24, 0x10000UL, After.Sigsegv)]          // MXCSR 0x11f80
    [InlineData(520, 0x1UL, After.Sigsegv)]             // XCOMP_BV = 1
    [InlineData(520, 0x80000000000000E7UL, After.Restored)] // compacted, same layout here
    [InlineData(464, 0x1UL, After.FxOnly)]              // magic1
    [InlineData(2432, 0x1UL, After.FxOnly)]             // magic2
    [InlineData(480, 0xBC0UL, After.FxOnly)]            // xstate_size 2432 -> 576
    [InlineData(472, 0xE4UL, After.YmmInit)]            // sw xfeatures 0x3
    [InlineData(472, 0x200UL, After.Restored)]          // sw xfeatures |= bit 9
    public void Sigreturn_FollowsTheKoTable(int at, ulong xor, After expected)
    {
        var k = KoChild();
        k.Apply(new SignalDeliverOp(1, 0));
        var outcome = k.Apply(new SigreturnOp(1, 0, [], at, xor));
        var regs = Regs(k);
        Assert.Equal(0, outcome.Result);
        Assert.Equal(expected == After.Sigsegv ? KernelSignal.SigSegv : null, outcome.Signal);
        switch (expected)
        {
            case After.Restored:
                Assert.True(Filled(regs, Xmm0, 0xA0) && Filled(regs, Ymm0Hi, 0xB0));
                break;
            case After.FxOnly or After.YmmInit:
                Assert.True(Filled(regs, Xmm0, 0xA0) && Filled(regs, Ymm0Hi, 0));
                break;
            case After.Sigsegv:
                Assert.True(Filled(regs, Xmm0, 0) && Filled(regs, Ymm0Hi, 0));
                break;
        }
    }

    [Fact]
    public void Sigreturn_LoadsMxcsr_EvenWhenXstateBvOmitsSse()
    {
        // KO §6a last row: MXCSR 0x1fc0 + ymm0.hi 0x77 with XSTATE_BV = 0x1 → MXCSR loaded, xmm0 and ymm0.hi initialised.
        var k = KoChild();
        var frame = k.Apply(new SignalDeliverOp(1, 0)).Data!;
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(24), 0x1FC0);
        frame.AsSpan(Ymm0Hi, 16).Fill(0x77);
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(512), 0x1);
        Assert.Null(k.Apply(new SigreturnOp(1, 0, frame)).Signal);
        var regs = Regs(k);
        Assert.Equal(0x1FC0u, BinaryPrimitives.ReadUInt32LittleEndian(regs.AsSpan(24)));
        Assert.True(Filled(regs, Xmm0, 0) && Filled(regs, Ymm0Hi, 0));
    }

    /// <summary>KO §6a: 2048 and 2400 accepted by sigaltstack() but delivery kills with SIGSEGV; 3000, 3376 fit.</summary>
    [Theory]
    [InlineData(2048UL, false)]
    [InlineData(2400UL, false)]
    [InlineData(3000UL, true)]
    [InlineData(3376UL, true)]
    public void Altstack_TooSmall_KillsWithSigsegv(ulong size, bool fits)
    {
        var k = KoChild();
        Assert.Equal(0, k.Apply(new SigaltstackOp(1, 0, size)).Result);
        var outcome = k.Apply(new SignalDeliverOp(1, 0, OnAltstack: true));
        Assert.Equal(fits ? null : KernelSignal.SigSegv, outcome.Signal);
        Assert.Equal(fits, outcome.Data is not null);
        // A refused delivery wrote nothing and left the registers alone.
        if (!fits) Assert.True(Filled(Regs(k), Ymm0Hi, 0xB0));
    }

    [Fact]
    public void PkruForcedIntoTheFrame_AndLoadedBack_OnSapphireRapids()
    {
        // H17: with PKRU = 0 (init) the frame still carries XSTATE_BV[PKRU]; a value written there is what sigreturn loads.
        var k = new OptimizedKernel(Hosts.Corpus(Hosts.SapphireRapids));
        k.Apply(new WritePkruOp(1, 0, 0));
        var frame = k.Apply(new SignalDeliverOp(1, 0)).Data!;
        Assert.NotEqual(0UL, BinaryPrimitives.ReadUInt64LittleEndian(frame.AsSpan(512)) & (1UL << 9));
        Assert.Null(k.Apply(new SigreturnOp(1, 0, [], 2688, 0xC)).Signal);
        Assert.Equal(0xCu, BinaryPrimitives.ReadUInt32LittleEndian(k.Apply(new PtraceGetXstateOp(1, 0, 11008)).Data.AsSpan(2688)));
    }
}
