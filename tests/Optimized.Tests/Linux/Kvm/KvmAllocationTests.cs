using static Xsave.Optimized.Tests.Linux.Kvm.KvmHost;

namespace Xsave.Optimized.Tests.Linux.Kvm;

/// <summary>
/// Kernel-style costs: KVM_SET_XSAVE of a 4 KiB image works on the caller's buffer and allocates nothing beyond what
/// the ioctl's result needs (the shared outcome of a plain return value needs nothing); the same for the other
/// plain-result ioctls on the hot path.
/// </summary>
public class KvmAllocationTests
{
    /// <summary>The fewest bytes any of three rounds of <paramref name="repeat"/> calls allocated: a cost per call shows
    /// in every round, while a one-off (a lazy static or cache first built when the JIT replaces a method's code with
    /// its next tier in the middle of a round) does not. Seen once in a full run: 6,576 bytes in one round.</summary>
    private static long AllocatedBy(Action action, int repeat = 64)
    {
        action(); // warm up: JIT, lazy statics, the array pool
        action();
        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < repeat; k++) action();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }

    [Fact]
    public void SetXsave_4KiB_AllocatesNothing()
    {
        var host = new KvmHost(ObservedHost.Zen5());
        host.NewVcpu(GuestCpuid(0xE7, 0xF));
        var op = new SetXsaveOp(0, Image(host.Cpu, 4096, 0xE7));
        Assert.Equal(0, host.R(op));
        Assert.Equal(0, AllocatedBy(() => host.Kernel.Apply(op)));

        var vcpu = host.Kernel.Kvm.FindVcpu(0)!;
        Assert.Equal(0, AllocatedBy(() => vcpu.XsaveIoctls.SetXsave(op.Image)));
    }

    [Fact]
    public void SetXsave_RefusedImage_AllocatesNothing()
    {
        var host = new KvmHost(ObservedHost.Zen5());
        host.NewVcpu(GuestCpuid(0xE7, 0xF));
        var bad = Image(host.Cpu, 4096, 0xE7 | 1UL << 9);
        var op = new SetXsaveOp(0, bad);
        Assert.Equal(EINVAL, host.R(op));
        Assert.Equal(0, AllocatedBy(() => host.Kernel.Apply(op)));
    }

    [Fact]
    public void SetXsave_WithXfdMasking_AllocatesNothingOnceWarm()
    {
        var host = new KvmHost(Corpus.Cpu("intel-sapphirerapids-806f8"));
        Assert.Equal(0, host.R(new ArchPrctlOp(1, ReqGuestPerm, 18)));
        host.NewVcpu(GuestCpuid(0x602E7, 0x1F));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrXfd, 1UL << 18)));
        var op = new SetXsaveOp(0, Image(host.Cpu, 11008, 0x602E7));
        Assert.Equal(0, host.R(op));
        Assert.Equal(0, AllocatedBy(() => host.Kernel.Apply(op)));
    }

    [Fact]
    public void PlainResultIoctls_AllocateNothing()
    {
        var host = new KvmHost(Corpus.Cpu("intel-tigerlake-806c1"));
        host.NewVcpu(GuestCpuid(0x2E7, 0xF, xss: 0x1800, shstk: true));
        KernelOp[] ops =
        [
            new SetXcrsOp(0, 0, [new(0, 0x2E7)]),
            new SetMsrOp(0, MsrXss, 0x1800),
            new SetMsrOp(0, MsrPl0Ssp, 0x1000),
            new VcpuInitOp(0),
        ];
        foreach (var op in ops)
            Assert.True(AllocatedBy(() => host.Kernel.Apply(op)) == 0, OpName(op));
    }

    private static string OpName(KernelOp op) => op.GetType().Name;
}
