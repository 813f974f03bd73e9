using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Properties.Tests;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// fpu_enable_guest_xfd_features (SPEC R58) from KVM_SET_CPUID2 (kvm_check_cpuid): features the guest FPU already has
/// are dropped, so a second SET_CPUID2 with AMX does not reallocate the guest fpstate (a reallocation would replace the
/// registers KVM_SET_XSAVE wrote with a zeroed buffer). Every outcome and state must be the oracle's.
/// </summary>
public class GuestXfdEnableTests
{
    [Fact]
    public void SecondSetCpuid2WithAmx_KeepsTheGuestRegisters()
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == Corpus.SapphireRapids);
        var w = Differential.Kernels(cpu);
        var amx = KvmInputs.GuestCpuid(0x602E7, sub1Eax: 0x1F);
        Assert.Equal(0, w.Do(new ArchPrctlOp(1, Uapi.ArchPrctl.ReqXcompGuestPerm, Uapi.ArchPrctl.XcompTiledata)).Result);
        int v = w.Do(new VcpuCreateOp(1)).Created!.Value;
        Assert.Equal(0, w.Do(new SetCpuid2Op(v, amx)).Result);
        uint uabi = w.Vcpu(v).UabiSize;
        Assert.True(uabi > 4096); // R55/H5: AMX makes the guest uABI larger than struct kvm_xsave
        var image = KvmInputs.Image(cpu, (int)uabi, 0x602E7 & ~(1UL << 18));
        Assert.Equal(0, w.Do(new SetXsaveOp(v, image)).Result);
        Assert.Equal(0, w.Do(new SetCpuid2Op(v, amx)).Result);
        var got = w.Do(new GetXsave2Op(v, (int)uabi)).Data!;
        Assert.Equal(image.AsSpan(32, 10).ToArray(), got.AsSpan(32, 10).ToArray());
    }
}
