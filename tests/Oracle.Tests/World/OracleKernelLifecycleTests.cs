using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.World;

/// <summary>
/// exit_group and execve as the fds see them (kernel/exit.c exit_files, fs/exec.c de_thread and do_close_on_exec,
/// kernel/fork.c dup_fd; KVM's VM and vCPU fds are O_CLOEXEC): a VM dies with its last fd, destroying its vCPUs
/// (R85, R56). SPR corpus profile.
/// </summary>
public class OracleKernelLifecycleTests
{
    private static OracleKernel Boot() => new(Corpus.Cpu("intel-sapphirerapids-806f8"), KernelConfig.Default);

    [Fact]
    public void ExitGroup_DestroysTheVcpus_AndLeavesOtherProcessesAlone()
    {
        var k = Boot();
        Assert.Equal(2, k.Apply(new ForkOp(1)).Created);
        Assert.Equal(0, k.Apply(new ArchPrctlOp(1, 0x1023, 18)).Result);
        Assert.Equal(0, k.Apply(new VcpuCreateOp(2)).Created);
        var p1 = k.Snapshot()!.Processes[0];

        var exit = k.Apply(new ExitGroupOp(2));

        Assert.Equal(0, exit.Result);
        Assert.Null(exit.Signal);
        var after = k.Snapshot()!;
        Assert.False(after.Processes[1].Alive);
        Assert.Empty(after.Processes[1].Threads);
        Assert.False(after.Vcpus[0].Alive);
        Assert.Equal(p1, after.Processes[0]);
    }

    [Fact]
    public void AfterExit_EveryCallNamingTheProcess_IsEsrch()
    {
        var k = Boot();
        k.Apply(new ForkOp(1));
        k.Apply(new VcpuCreateOp(2));
        k.Apply(new ExitGroupOp(2));
        const long esrch = -3;
        Assert.Equal(esrch, k.Apply(new ArchPrctlOp(2, 0x1022, 0x7ffd_0000)).Result);
        Assert.Equal(esrch, k.Apply(new PtraceGetXstateOp(2, 0, 4096)).Result);
        Assert.Equal(esrch, k.Apply(new ExitGroupOp(2)).Result);
        Assert.Equal(esrch, k.Apply(new GetXsaveOp(0)).Result);
    }

    [Fact]
    public void Exec_ClosesTheVcpuFds_AForkedChildKeepsTheVmUntilItExits()
    {
        var k = Boot();
        k.Apply(new VcpuCreateOp(1));
        k.Apply(new ForkOp(1));
        Assert.Equal(0, k.Apply(new ExecOp(1)).Result);
        Assert.True(k.Snapshot()!.Vcpus[0].Alive);
        Assert.Equal(-9, k.Apply(new GetXsaveOp(0)).Result); // -EBADF: the exec closed the creator's fd
        Assert.Equal(1, k.Apply(new VcpuCreateOp(1)).Created); // a new VM for the exec'd program
        k.Apply(new ExitGroupOp(2));
        Assert.False(k.Snapshot()!.Vcpus[0].Alive);
        Assert.True(k.Snapshot()!.Vcpus[1].Alive);
    }

    [Fact]
    public void Exec_InAThreeThreadProcess_LeavesOneThreadWithoutSigaltstack()
    {
        var k = Boot();
        k.Apply(new SpawnThreadOp(1));
        k.Apply(new SpawnThreadOp(1));
        Assert.Equal(0, k.Apply(new SigaltstackOp(1, 2, 16384)).Result);
        k.Apply(new ExecOp(1));
        var p = k.Snapshot()!.Processes[0];
        var t = Assert.Single(p.Threads);
        Assert.Equal(0UL, t.SigaltstackSize);
        Assert.Equal(1, k.Apply(new SpawnThreadOp(1)).Created);
    }
}
