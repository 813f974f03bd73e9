using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// VM file descriptors across fork, execve and exit (dup_fd, do_close_on_exec, exit_files; kvm_put_kvm destroys the
/// VM with its last holder, kvm_arch_vcpu_destroy → fpu_free_guest_fpstate, R85/R56, H25). Run on the optimized
/// implementation and on the oracle step by step (KernelDifferential, state compared after each step), with the
/// oracle's view of the vCPU pinned.
/// </summary>
public class KvmFdLifetimeTests
{
    private const string Skylake = "intel-skylake-506e3";
    private const string SapphireRapids = "intel-sapphirerapids-806f8"; // AMX with XFD
    private const uint MsrXfd = 0x1C4;
    private const int GuestPermRequest = 0x1025; // ARCH_REQ_XCOMP_GUEST_PERM

    /// <summary>
    /// A VM whose creator exec'd lives on in the child that inherited its fds, and in that child's own child: the
    /// grandchild still holds it after the child exits, and its exit destroys the vCPU.
    /// </summary>
    [Fact]
    public void OrphanedVm_IsInheritedByAGrandchild_AndDiesWithIt()
    {
        var steps = KernelDifferential.Run(Skylake,
            new VcpuCreateOp(1), new ForkOp(1), new ExecOp(1), new ForkOp(2), new ExitGroupOp(2), new ExitGroupOp(3));
        Assert.Equal(2, steps[1].Outcome!.Created);
        Assert.Equal(3, steps[3].Outcome!.Created);
        Assert.True(steps[4].After!.Vcpus[0].Alive);
        Assert.False(steps[5].After!.Vcpus[0].Alive);
    }

    private static KernelOp[] DeathInRun(int vcpu)
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == SapphireRapids);
        var image = KvmInputs.Image(cpu, 0x2B00, 0x60003);
        return [new SetXsaveOp(vcpu, image), new SetMsrOp(vcpu, MsrXfd, 1UL << 18), new KvmRunOp(vcpu, [])];
    }

    private static KernelOp[] AmxVcpu(int vcpu)
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == SapphireRapids);
        return [new VcpuCreateOp(1), new SetCpuid2Op(vcpu, KvmInputs.GuestCpuid(0x602E7, cpu.SubLeaf(1).Eax))];
    }

    /// <summary>
    /// H25/R87: the thread dies in KVM_RUN with the guest FPU in use; the VMM's exit, dropping the VM's last fd, destroys
    /// the vCPU, and fpu_free_guest_fpstate WARNs on the fpstate still in use.
    /// </summary>
    [Fact]
    public void ExitAfterDeathInRun_Warns()
    {
        var steps = KernelDifferential.Run(SapphireRapids,
            [new ArchPrctlOp(1, GuestPermRequest, 18), .. AmxVcpu(0), .. DeathInRun(0), new ExitGroupOp(1)]);
        Assert.Equal(KernelSignal.ThreadDied, steps[5].Outcome!.Signal);
        Assert.Equal(KernelSignal.Warn, steps[^1].Outcome!.Signal);
    }

    /// <summary>Two vCPUs of one VM left in use that way: the exit WARNs (one WARN report, not cancelled out).</summary>
    [Fact]
    public void ExitAfterTwoDeathsInRun_Warns()
    {
        var steps = KernelDifferential.Run(SapphireRapids,
        [
            new ArchPrctlOp(1, GuestPermRequest, 18), .. AmxVcpu(0), .. AmxVcpu(1), .. DeathInRun(0), .. DeathInRun(1),
            new ExitGroupOp(1),
        ]);
        Assert.Equal(KernelSignal.ThreadDied, steps[7].Outcome!.Signal);
        Assert.Equal(KernelSignal.ThreadDied, steps[10].Outcome!.Signal);
        Assert.Equal(KernelSignal.Warn, steps[^1].Outcome!.Signal);
    }
}
