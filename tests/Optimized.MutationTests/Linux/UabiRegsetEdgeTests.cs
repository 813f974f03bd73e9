using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Properties.Tests;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// NT_X86_XSTATE edges the kernel laws' random sequences did not reach (Stryker survivors of Linux/Uabi, BENCHMARKS.md):
/// a user xstate of exactly 576 bytes, a component ending exactly at the regset's end, and MXCSR reported for a state
/// whose XSTATE_BV holds YMM but not SSE. Every outcome and state must be the oracle's (Differential.Kernels), and the
/// result the kernel gives is pinned (regset.c xstateregs_set/get, xstate.c copy_uabi_to_xstate,
/// __copy_xstate_to_uabi_buf; SPEC R68-R71).
/// </summary>
public class UabiRegsetEdgeTests
{
    private static CpuModel Zen1 => Subjects.AllCpus.Single(c => c.Id == "amd-zen-800f11"); // XCR0 0x7: YMM ends at 832

    /// <summary>
    /// clearcpuid=avx on an XSAVE CPU whose only extended component is YMM: user.max = x87|SSE, user.max_size = 576.
    /// xstateregs_set takes exactly fpu_user_cfg.max_size bytes, and validate_user_xstate_header needs the 64-byte header
    /// at 512, which a 576-byte buffer has: the write succeeds and reads back.
    /// </summary>
    [Fact]
    public void UserXstateOf576Bytes_SetAndGet()
    {
        var w = Differential.Kernels(Zen1, KernelConfig.Default with { ClearCpuid = CpuidFlags.Avx });
        Assert.True(w.Boot.Xsave);
        Assert.Equal(576u, w.Boot.User.MaxSize);
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, UabiImages.Image(576, 0x3, mxcsr: 0x1F00))).Result);
        var got = w.Do(new PtraceGetXstateOp(1, 0, 576));
        Assert.Equal(576, got.Data!.Length);
        Assert.Equal(0x1F00u, UabiImages.Mxcsr(got.Data));
        // Shorter than the regset is -EFAULT (xstateregs_set: count != max_size).
        Assert.Equal(-14, w.Do(new PtraceSetXstateOp(1, 0, UabiImages.Image(568, 0x3))).Result);
    }

    /// <summary>
    /// copy_uabi_to_xstate copies YMM from 576..831 of an 832-byte regset: the component ends exactly at the buffer's
    /// end, which is inside it.
    /// </summary>
    [Fact]
    public void ComponentEndingAtRegsetEnd_IsCopied()
    {
        var w = Differential.Kernels(Zen1);
        Assert.Equal(832u, w.Boot.User.MaxSize);
        var image = UabiImages.Image(832, 0x7);
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, image)).Result);
        var got = w.Do(new PtraceGetXstateOp(1, 0, 832)).Data!;
        Assert.Equal(image.AsSpan(576, 256).ToArray(), got.AsSpan(576, 256).ToArray());
    }

    /// <summary>
    /// __copy_xstate_to_uabi_buf copies MXCSR (and MXCSR_MASK) from the task's buffer when XSTATE_BV has SSE or YMM;
    /// copy_uabi_to_xstate stores the given MXCSR for a header with YMM alone (R69). So a SET with XSTATE_BV = {YMM} and
    /// MXCSR = 0x1F00 reads back 0x1F00, not init_fpstate's 0x1F80.
    /// </summary>
    [Fact]
    public void YmmOnlyState_ReportsItsMxcsr()
    {
        var w = Differential.Kernels(Zen1);
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, UabiImages.Image(832, 0x4, mxcsr: 0x1F00))).Result);
        var got = w.Do(new PtraceGetXstateOp(1, 0, 832)).Data!;
        Assert.Equal(0x4UL, BitConverter.ToUInt64(got, 512));
        Assert.Equal(0x1F00u, UabiImages.Mxcsr(got));
    }
}
