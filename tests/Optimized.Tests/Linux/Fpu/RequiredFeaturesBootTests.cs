using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.World;

namespace Xsave.Optimized.Tests.Linux.Fpu;

/// <summary>
/// A 64-bit kernel needs FPU, FXSR and SSE (REQUIRED_MASK0 of x86-64: required-features.h NEED_FPU/NEED_FXSR/NEED_XMM,
/// Kconfig.cpufeatures): verify_cpu refuses a CPU without them, validate_cpu's message names the missing ones, and no
/// process exists. A 32-bit kernel boots the CPU (math emulation, R43).
/// </summary>
public class RequiredFeaturesBootTests
{
    private static CpuModel Derived(bool fpu, bool fxsr, bool sse)
    {
        var cpu = ObservedHost.Zen5();
        return cpu with { Flags = cpu.Flags with { Fpu = fpu, Fxsr = fxsr, Xmm = sse, Xsave = false, Avx = false } };
    }

    [Theory]
    [InlineData(false, true, true, "fpu")]
    [InlineData(true, false, true, "fxsr")]
    [InlineData(true, true, false, "sse")]
    [InlineData(true, false, false, "fxsr sse")]
    [InlineData(false, false, false, "fpu fxsr sse")]
    public void Kernel64_DoesNotBoot(bool fpu, bool fxsr, bool sse, string missing)
    {
        var k = new OptimizedKernel(Derived(fpu, fxsr, sse), KernelConfig.Default);
        Assert.True(k.Boot.Failed);
        Assert.Equal($"This kernel requires the following features not present on the CPU: {missing} (64-bit REQUIRED_MASK0, verify_cpu); the kernel does not boot", k.Boot.Failure);
        Assert.Equal(0UL, k.Boot.Xcr0.Bits);
        Assert.Throws<InvalidOperationException>(() => k.Apply(new SignalDeliverOp(1, 0)));
    }

    [Fact]
    public void Kernel32_Boots()
    {
        var k = new OptimizedKernel(Derived(false, false, false), KernelConfig.Default with { Is64Bit = false });
        Assert.False(k.Boot.Failed);
        Assert.Equal("no FPU (math emulation)", k.Boot.DisabledReason);
        Assert.Equal(124u, k.Boot.User.MaxSize);
    }

    [Fact]
    public void Kernel64_OnTheFullCpu_Boots() => Assert.False(new OptimizedKernel(Derived(true, true, true), KernelConfig.Default).Boot.Failed);
}
