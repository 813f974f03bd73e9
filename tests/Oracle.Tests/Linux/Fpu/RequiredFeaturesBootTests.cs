using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.Linux.Fpu;

/// <summary>
/// x86-64's baseline: FPU, FXSR and SSE are REQUIRED_MASK0 bits of every 64-bit build (required-features.h NEED_FPU,
/// NEED_FXSR, NEED_XMM; Kconfig.cpufeatures X86_REQUIRED_FEATURE_* "depends on X86_64"), so verify_cpu stops a 64-bit
/// kernel on a CPU without them and no user space ever runs (fpu__init_system_early_generic would halt without an FPU
/// too: MATH_EMULATION is a 32-bit option). A 32-bit kernel boots the same CPU (R43 legacy sizes).
/// </summary>
public class RequiredFeaturesBootTests
{
    private static CpuModel Without(Func<CpuFeatureFlags, CpuFeatureFlags> f) => Zen5Ko() with { Flags = f(Zen5Ko().Flags with { Xsave = false, Avx = false }) };

    [Theory]
    [InlineData("fpu")]
    [InlineData("fxsr")]
    [InlineData("sse")]
    public void Kernel64_RefusesTheCpu(string missing)
    {
        var cpu = Without(f => missing switch
        {
            "fpu" => f with { Fpu = false },
            "fxsr" => f with { Fxsr = false },
            _ => f with { Xmm = false },
        });
        var k = new OracleKernel(cpu, KernelConfig.Default);
        Assert.True(k.Boot.Failed);
        Assert.Equal(BootSummary.RequiredFeaturesFailure(missing), k.Boot.Failure);
        Assert.Equal(FeatureMask.None, k.Boot.Xcr0);
        Assert.Null(k.Snapshot()!.Processes.FirstOrDefault()); // no user space
    }

    [Fact]
    public void Kernel64_NamesEveryMissingFeature_InValidateCpuOrder()
    {
        var k = new OracleKernel(Without(f => f with { Fpu = false, Fxsr = false, Xmm = false }), KernelConfig.Default);
        Assert.Equal(BootSummary.RequiredFeaturesFailure("fpu fxsr sse"), k.Boot.Failure);
    }

    [Fact]
    public void Kernel32_BootsTheSameCpu_WithMathEmulation()
    {
        var k = new OracleKernel(Without(f => f with { Fpu = false, Fxsr = false, Xmm = false }), KernelConfig.Default with { Is64Bit = false });
        Assert.False(k.Boot.Failed);
        Assert.Equal("no FPU (math emulation)", k.Boot.DisabledReason);
        Assert.Equal(124u, k.Boot.Kernel.MaxSize); // R43: sizeof(struct swregs_state) on 32-bit
    }

    /// <summary>clearcpuid= acts on the capability bitmap after verify_cpu: the hardware's bits decide the refusal.</summary>
    [Fact]
    public void Kernel64_ClearcpuidFxsr_IsNotARefusal()
    {
        var k = new OracleKernel(Zen5Ko(), KernelConfig.Default with { ClearCpuid = CpuidFlags.Fxsr });
        Assert.False(k.Boot.Failed);
    }
}
