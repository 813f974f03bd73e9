using System.Buffers.Binary;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.World;

namespace Xsave.Optimized.Tests.Linux.Signal;

/// <summary>
/// Signals through the optimized kernel booted with "noxsave" on Skylake (R72 without XSAVE: plain FXSAVE frames).
/// The handler's registers, and those after a failed sigreturn, are read back through the next frame. Expected: the
/// x87/SSE init state of SPEC R17 and the SDM's FXSAVE layout (FCW 037FH at 0, FSW 0 at 2, abridged FTW 0 = all
/// empty at 4, MXCSR 1F80H at 24, ST0-7 at 32..159 and XMM0-15 at 160..415 zero): fpu/core.c
/// restore_fpregs_from_init_fpstate FXRSTORs init_fpstate whatever the mask when XSAVE is not used.
/// </summary>
public class SignalNoXsaveTests
{
    private static OptimizedKernel Kernel() =>
        new(TestSupport.Corpus.Cpu(Hosts.SkylakeClient), KernelConfig.Default with { NoXsave = true });

    /// <summary>A struct fxregs_state with FCW 0x27F, MXCSR 0x1FC0 (DAZ), XMM0 = 0xA1.., cut to <paramref name="length"/>.</summary>
    private static byte[] Image(int length = 512, uint mxcsr = 0x1FC0)
    {
        var b = new byte[512];
        BinaryPrimitives.WriteUInt16LittleEndian(b, 0x027F);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), mxcsr);
        b.AsSpan(160, 16).Fill(0xA1);
        return b[..length];
    }

    private static void IsInit(byte[] frame)
    {
        Assert.Equal(512, frame.Length);
        Assert.Equal((ushort)0x037F, BinaryPrimitives.ReadUInt16LittleEndian(frame));
        Assert.Equal((ushort)0, BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(2)));
        Assert.Equal(0, frame[4]);
        Assert.Equal(0x1F80u, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(24)));
        Assert.True(frame.AsSpan(32, 416 - 32).IndexOfAnyExcept((byte)0) < 0, "ST0-7/XMM0-15 not zero");
    }

    [Fact]
    public void Handler_GetsTheInitState()
    {
        var k = Kernel();
        Assert.Null(k.Apply(new SigreturnOp(1, 0, Image())).Signal);
        var frame = k.Apply(new SignalDeliverOp(1, 0)).Data!;
        Assert.Equal(0x1FC0u, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(24)));
        IsInit(k.Apply(new SignalDeliverOp(1, 0)).Data!);
    }

    [Theory]
    [InlineData(463)]
    [InlineData(464)]
    [InlineData(480)]
    [InlineData(511)]
    public void Sigreturn_ShortFrame_Sigsegv_ThenInitState(int length)
    {
        var k = Kernel();
        Assert.Null(k.Apply(new SigreturnOp(1, 0, Image())).Signal);
        Assert.Equal(KernelSignal.SigSegv, k.Apply(new SigreturnOp(1, 0, Image(length))).Signal);
        IsInit(k.Apply(new SignalDeliverOp(1, 0)).Data!);
    }

    [Fact]
    public void Sigreturn_MxcsrOutsideTheMask_Sigsegv_ThenInitState()
    {
        var k = Kernel();
        Assert.Null(k.Apply(new SigreturnOp(1, 0, Image())).Signal);
        Assert.Equal(KernelSignal.SigSegv, k.Apply(new SigreturnOp(1, 0, Image(mxcsr: 0x21F80))).Signal);
        IsInit(k.Apply(new SignalDeliverOp(1, 0)).Data!);
    }
}
