namespace Xsave.Optimized.Tests.Linux.Process;

/// <summary>
/// exit_group and execve on the optimized kernel: the process's KVM fds close (exit_files, do_close_on_exec; the VM
/// and vCPU fds are O_CLOEXEC), a VM without fds is destroyed (R85, R56), fork's dup_fd shares them; de_thread leaves
/// one thread. SPR corpus profile.
/// </summary>
public class ExitTests
{
    private const long ESRCH = -3, EBADF = -9;

    private static KernelHost Spr() => new(new OptimizedKernel(Corpus.Cpu("intel-sapphirerapids-806f8"), KernelConfig.Default));

    [Fact]
    public void ExitGroup_KillsTheProcess_AndItsOnlyHeldVm()
    {
        var k = Spr();
        Assert.Equal(2, k.Do(new ForkOp(1)).Created);
        Assert.Equal(0, k.Do(new VcpuCreateOp(2)).Created);
        Assert.Equal(0, k.R(new ExitGroupOp(2)));
        var s = k.Subject.Snapshot()!;
        Assert.False(s.Processes[1].Alive);
        Assert.Empty(s.Processes[1].Threads);
        Assert.False(s.Vcpus[0].Alive);
        Assert.True(s.Processes[0].Alive);
        Assert.Equal(ESRCH, k.R(new SigaltstackOp(2, 0, 8192)));
        Assert.Equal(ESRCH, k.R(new KvmRunOp(0, [])));
    }

    [Fact]
    public void ParentExit_WhileAForkedChildHoldsTheVm_KeepsTheVcpu()
    {
        var k = Spr();
        k.Do(new VcpuCreateOp(1));
        k.Do(new ForkOp(1));
        k.Do(new ForkOp(2)); // the grandchild inherits the fds from the child
        Assert.Equal(0, k.R(new ExitGroupOp(2)));
        Assert.Equal(0, k.R(new ExecOp(1)));
        Assert.True(k.Vcpu(0).Alive);
        Assert.Equal(EBADF, k.R(new GetXcrsOp(0)));
        Assert.Equal(0, k.R(new ExitGroupOp(3)));
        Assert.False(k.Vcpu(0).Alive);
    }

    [Fact]
    public void Exec_DropsSiblingThreads_AndTheirSigaltstacks()
    {
        var k = Spr();
        k.Do(new SpawnThreadOp(1));
        Assert.Equal(0, k.R(new SigaltstackOp(1, 1, 16384)));
        k.Do(new ExecOp(1));
        var t = Assert.Single(k.Subject.Snapshot()!.Processes[0].Threads);
        Assert.Equal(0UL, t.SigaltstackSize);
    }
}
