using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// What fork, clone(CLONE_THREAD) and execve carry over (R61, R63, R72): a fork copies the parent's stack, so its
/// child's rt_sigreturn finds the frame the parent's last signal left there; it inherits the sigaltstack, and the
/// permissions (LOCKED guest permission included) only with dynamic sizing (fpu_inherit_perms); a new thread has no
/// sigaltstack; execve drops the other threads, the sigaltstack and the permissions. On Sapphire Rapids (dynamic
/// sizing) and the Skylake client (none). Every step must be the oracle's; the results that show the path are pinned.
/// </summary>
public class ForkExecLifecycleTests
{
    private const string Spr = "intel-sapphirerapids-806f8", Skylake = "intel-skylake-506e3";
    private const long Ebusy = -16;

    [Theory]
    [InlineData(Spr)]
    [InlineData(Skylake)]
    public void ForkedChild_SigreturnsFromTheParentsFrame(string cpu)
    {
        var steps = KernelDifferential.Run(cpu,
            new WritePkruOp(1, 0, 0xC),
            new SignalDeliverOp(1, 0),
            new ForkOp(1),
            new SigreturnOp(2, 0, []),
            new SignalDeliverOp(2, 0),
            new SigreturnOp(1, 0, [], 464, 1),
            new SigreturnOp(2, 0, []));
        Assert.Null(steps[3].Outcome!.Signal);
        Assert.Equal(steps[1].Outcome!.Data!, steps[4].Outcome!.Data!); // the child restored the parent's frame
    }

    /// <summary>A sigreturn edit of the frame on the stack stays in that memory: the next sigreturn reads it edited.</summary>
    [Fact]
    public void SigreturnEdits_StayOnTheStack()
    {
        var steps = KernelDifferential.Run(Spr,
            new SignalDeliverOp(1, 0),
            new SigreturnOp(1, 0, [], 512, 1UL << 7), // XSTATE_BV bit 7 flipped: AVX-512 Hi16_ZMM marked in use
            new SigreturnOp(1, 0, [], 528, 1),        // and now a reserved header byte: XRSTOR #GP
            new SigreturnOp(1, 0, [], 528, 1));       // flipped back: restored again
        Assert.Null(steps[1].Outcome!.Signal);
        Assert.Equal(KernelSignal.SigSegv, steps[2].Outcome!.Signal);
        Assert.Null(steps[3].Outcome!.Signal);
    }

    /// <summary>The handler's 8-byte XOR is cut at the frame's end; one starting at or past the end edits nothing.</summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(4, false)]
    [InlineData(1, false)]
    public void XorAtTheFramesEnd_IsCut(int fromEnd, bool sigsegv)
    {
        int user = OracleBoot.UserSize(Spr);
        // Magic2 sits at user_size (the frame's last 4 bytes): an edit reaching it makes the frame fx-only, not a failure.
        var steps = KernelDifferential.Run(Spr,
            new SignalDeliverOp(1, 0),
            new SigreturnOp(1, 0, [], user + 4 - fromEnd, ulong.MaxValue));
        Assert.Equal(sigsegv ? KernelSignal.SigSegv : null, steps[1].Outcome!.Signal);
    }

    [Theory]
    [InlineData(Spr, true)]
    [InlineData(Skylake, false)]
    public void Fork_InheritsPermissionsOnlyWithDynamicSizing(string cpu, bool dynamic)
    {
        var steps = KernelDifferential.Run(cpu,
            new SigaltstackOp(1, 0, 16384),
            new ArchPrctlOp(1, 0x1023, 18),
            new VcpuCreateOp(1),
            new ForkOp(1),
            new ArchPrctlOp(2, 0x1025, 18),
            new ArchPrctlOp(2, 0x1022, 0x7000),
            new SpawnThreadOp(2),
            new ExecOp(2),
            new ArchPrctlOp(2, 0x1025, 18));
        if (dynamic) Assert.Equal(Ebusy, steps[4].Outcome!.Result); // the child's guest permission is LOCKED too
        Assert.Equal(2, steps[3].Outcome!.Created);
    }

    /// <summary>A vCPU's fds go at execve (close-on-exec) and exit; the process itself lives on after execve.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExecAndExit_WithAVcpu(bool exit)
    {
        var steps = KernelDifferential.Run(Spr,
            new ForkOp(1),
            new VcpuCreateOp(2),
            new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x7)]),
            exit ? new ExitGroupOp(2) : new ExecOp(2),
            new ArchPrctlOp(2, 0x1024, 0x7000));
        Assert.Equal(0, steps[3].Outcome!.Result);
    }

    [Fact]
    public void SpawnedThread_HasNoSigaltstack_ForkedChildKeepsIt()
    {
        var steps = KernelDifferential.Run(Spr,
            new SigaltstackOp(1, 0, 4096),
            new SpawnThreadOp(1),
            new ForkOp(1),
            new SigaltstackOp(2, 0, 4096), // equal to the inherited one: 0 before any check
            new SignalDeliverOp(1, 1, OnAltstack: true),
            new SignalDeliverOp(2, 0, OnAltstack: true),
            new ExecOp(1),
            new SignalDeliverOp(1, 0, OnAltstack: true));
        Assert.Equal(1, steps[1].Outcome!.Created);
        Assert.Null(steps[4].Outcome!.Signal);
        Assert.Equal(0, steps[5].Outcome!.Result);
    }
}
