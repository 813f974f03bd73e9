using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// KVM_GET_CPUID2's room check (R77, kvm_vcpu_ioctl_get_cpuid2: -E2BIG only when cpuid->nent is below the stored
/// count): room for exactly the table is enough. Run on the optimized implementation and on the oracle step by step.
/// </summary>
public class KvmGetCpuid2RoomTests
{
    [Fact]
    public void RoomForExactlyTheTable_Succeeds()
    {
        var table = KvmInputs.GuestCpuid(0x7, 0xF);
        var steps = KernelDifferential.Run("intel-skylake-506e3",
            new VcpuCreateOp(1), new SetCpuid2Op(0, table), new GetCpuid2Op(0, table.Count), new GetCpuid2Op(0, table.Count - 1));
        Assert.Equal(0, steps[2].Outcome!.Result);
        Assert.Equal(table.Count, steps[2].Outcome!.Cpuid!.Count);
        Assert.Equal(-(long)Errno.E2BIG, steps[3].Outcome!.Result);
    }
}
