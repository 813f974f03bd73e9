using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// A host where kvm.ko did not load (R73 kvm_x86_vendor_init: -EOPNOTSUPP without FPU and FXSR; booted with
/// a 32-bit kernel booted with clearcpuid=fxsr; a 64-bit one keeps FXSR, which x86-64 requires): /dev/kvm's ioctls answer the load error. Run on the optimized implementation and on the oracle
/// step by step, with the oracle's answer pinned.
/// </summary>
public class KvmNotLoadedTests
{
    [Fact]
    public void NoFxsr_GetSupportedCpuid_IsTheLoadError()
    {
        var steps = KernelDifferential.Run("intel-skylake-506e3", KernelConfig.Default with { Is64Bit = false, ClearCpuid = CpuidFlags.Fxsr },
            new KvmGetSupportedCpuidOp(1), new KvmCheckExtensionOp(1, 55), new VcpuCreateOp(1));
        Assert.Equal(-(long)Errno.EOPNOTSUPP, steps[0].Outcome!.Result);
        Assert.Null(steps[0].Outcome!.Cpuid);
    }
}
