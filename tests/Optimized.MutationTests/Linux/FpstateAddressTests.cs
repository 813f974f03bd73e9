using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Properties.Tests;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// __raw_xsave_addr and get_xsave_addr (SPEC R48) through the contract: a standard-format kernel buffer (no XSAVEC or
/// XSAVES: components at their CPUID standard offsets), and a component whose XSTATE_BV bit is clear while stale bytes
/// remain in the buffer (get_xsave_addr gives NULL, so the signal frame carries its init configuration). Every
/// outcome and state must be the oracle's; the bytes the kernel code gives are pinned.
/// </summary>
public class FpstateAddressTests
{
    private static CpuModel Cpu(string id) => Subjects.AllCpus.Single(c => c.Id == id);

    /// <summary>
    /// Sandy Bridge-E has XSAVE but neither XSAVEC nor XSAVES: the kernel keeps the standard format and YMM lives at
    /// 576 in its buffer too; what PTRACE_SETREGSET wrote reads back through PTRACE_GETREGSET and a signal frame.
    /// </summary>
    [Fact]
    public void StandardFormat_YmmAtItsStandardOffset()
    {
        var w = Differential.Kernels(Cpu("intel-sandybridgee-206d7"));
        Assert.False(w.Boot.Compacted);
        Assert.Equal(832u, w.Boot.User.MaxSize);
        var image = UabiImages.Image(832, 0x7);
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, image)).Result);
        var got = w.Do(new PtraceGetXstateOp(1, 0, 832)).Data!;
        Assert.Equal(image.AsSpan(576, 256).ToArray(), got.AsSpan(576, 256).ToArray());
        w.Do(new SignalDeliverOp(1, 0));
        w.Do(new SigreturnOp(1, 0, []));
        w.Do(new PtraceGetXstateOp(1, 0, 832));
    }

    /// <summary>
    /// Skylake booted with noxsaves and clearcpuid=xsavec: no compaction, so MPX's BNDREGS sits at its standard offset
    /// 960 in the kernel buffer, not after YMM; what PTRACE_SETREGSET wrote for YMM and both MPX components reads back.
    /// </summary>
    [Fact]
    public void StandardFormat_MpxAtItsStandardOffset()
    {
        var w = Differential.Kernels(Cpu("intel-skylake-506e3"),
            KernelConfig.Default with { NoXsaves = true, ClearCpuid = CpuidFlags.Xsavec });
        Assert.False(w.Boot.Compacted);
        Assert.Equal(1088u, w.Boot.User.MaxSize);
        var image = UabiImages.Image(1088, 0x1f);
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, image)).Result);
        var got = w.Do(new PtraceGetXstateOp(1, 0, 1088)).Data!;
        Assert.Equal(image.AsSpan(576, 256).ToArray(), got.AsSpan(576, 256).ToArray());
        Assert.Equal(image.AsSpan(960, 128).ToArray(), got.AsSpan(960, 128).ToArray());
        w.Do(new SignalDeliverOp(1, 0));
    }

    /// <summary>
    /// YMM written, then a SETREGSET whose XSTATE_BV clears it: copy_uabi_to_xstate leaves the old YMM bytes in the
    /// buffer but XSTATE_BV says init, so the signal frame's YMM area is the init configuration (zeros) and a GET
    /// reports XSTATE_BV without YMM. Zen 1 (compacted) and Sandy Bridge-E (standard).
    /// </summary>
    [Theory]
    [InlineData("amd-zen-800f11")]
    [InlineData("intel-sandybridgee-206d7")]
    public void StaleBytesUnderClearBit_AreNotReported(string id)
    {
        var w = Differential.Kernels(Cpu(id));
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, UabiImages.Image(832, 0x7))).Result);
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, UabiImages.Image(832, 0x3))).Result);
        var got = w.Do(new PtraceGetXstateOp(1, 0, 832)).Data!;
        Assert.Equal(0x3UL, BitConverter.ToUInt64(got, 512));
        Assert.Equal(new byte[256], got.AsSpan(576, 256).ToArray());
        var frame = w.Do(new SignalDeliverOp(1, 0)).Data!;
        Assert.Equal(new byte[256], frame.AsSpan(576, 256).ToArray());
        w.Do(new SigreturnOp(1, 0, []));
        w.Do(new PtraceGetXstateOp(1, 0, 832));
    }
}
