namespace Xsave.Optimized.Tests.Linux;

/// <summary>
/// The brief's kernel-style requirement: the hot paths allocate nothing beyond their output buffer — arch_prctl GET and
/// an already-permitted REQ, UABI header validation, and the copy of a 4 KiB image in both directions.
/// </summary>
public class HotPathAllocationTests
{
    private const int Rounds = 1000;

    private static long Allocated(Action body)
    {
        body(); // JIT and static initialisation outside the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++) body();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void ArchPrctl_GetAndPermittedReq_AllocateNothing()
    {
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var g = TaskLifecycle.Start(b);
        Assert.Equal(0, XstatePrctl.RequestPerm(b, g, 18, guest: false));
        long sink = 0;
        Assert.Equal(0, Allocated(() =>
        {
            sink += XstatePrctl.ArchPrctl(b, g, XstatePrctl.GetXcompSupp, 0x7000, false, out var v) + (long)v;
            sink += XstatePrctl.ArchPrctl(b, g, XstatePrctl.GetXcompPerm, 0x7000, false, out v) + (long)v;
            sink += XstatePrctl.ArchPrctl(b, g, XstatePrctl.GetXcompGuestPerm, 0x7000, false, out v) + (long)v;
            sink += XstatePrctl.ArchPrctl(b, g, XstatePrctl.ReqXcompPerm, 18, false, out _);
        }));
        Assert.NotEqual(0, sink);
    }

    [Fact]
    public void Kernel_PermittedReq_ReturnsSharedOutcome()
    {
        var kernel = new OptimizedKernel(Contract.Cpus.CpuProfileLoader.LoadDirectory(TestSupport.Corpus.CpusDirectory)
            .Profiles.Single(p => p.Id == Hosts.SapphireRapids).ToCpuModel(), KernelConfig.Default);
        var req = new ArchPrctlOp(1, XstatePrctl.ReqXcompPerm, 18);
        Assert.Equal(0, kernel.Apply(req).Result);
        Assert.Equal(0, Allocated(() => kernel.Apply(req)));
    }

    [Fact]
    public void Uabi_ValidateAndCopy4KiB_AllocateNothing()
    {
        var b = Hosts.Zen5();
        var fps = TaskLifecycle.Start(b).Leader.Fpstate;
        var image = new byte[4096];
        XstateToUabi.Copy(b, fps, image, fps.UserXfeatures, 0, CopyMode.Xsave);
        BitConverter.TryWriteBytes(image.AsSpan(512), 0xe7UL);
        image.AsSpan(576, 256).Fill(0x11);
        uint pkru = 0;
        long sink = 0;
        Assert.Equal(0, Allocated(() =>
        {
            sink += UabiToXstate.ValidateHeader(image, fps.UserXfeatures);
            sink += UabiToXstate.Copy(b, fps, image, ref pkru, updatePkru: true);
            XstateToUabi.Copy(b, fps, image, fps.UserXfeatures, pkru, CopyMode.Xsave);
        }));
        Assert.Equal(0, sink);
        Assert.Equal(0x11, image[600]);
    }
}
