namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// What the optimized implementation keeps from a boot (issue 16: repeated queries allocate nothing, as the kernel keeps
/// its tables from boot): a CPU asked about again is not booted again, and every layout already asked for — not only the
/// first one — is answered from what was built, for as many distinct component sets as a run meets.
/// </summary>
public class BootCacheTests
{
    private const int Rounds = 100;

    private static long Allocated(Action body)
    {
        body(); // the first, building round
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++) body();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void TheSameCpu_IsBootedOnce()
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == Corpus.SapphireRapids);
        var implementation = Subjects.Optimized;
        Assert.Same(implementation.Architecture(cpu), implementation.Architecture(cpu));
        long sink = 0;
        Assert.Equal(0, Allocated(() => sink += implementation.Architecture(cpu).CompactedSize(cpu.SupportedAll)));
        Assert.NotEqual(0, sink);
    }

    [Fact]
    public void ManyDistinctLayouts_AreEachBuiltOnce()
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == Corpus.SapphireRapids);
        var arch = Subjects.Optimized.Architecture(cpu);
        // Every subset of the user components 2..9 with x87 and SSE: 256 standard and 256 compacted layouts.
        var masks = Enumerable.Range(0, 256).Select(k => new FeatureMask(0x3UL | ((ulong)k << 2)) & cpu.SupportedXcr0).Distinct().ToArray();
        Assert.True(masks.Length > 2, "the CPU has user components to combine");
        long sink = 0;
        Assert.Equal(0, Allocated(() =>
        {
            foreach (var m in masks)
                sink += arch.StandardLayout(m).Size + arch.CompactedLayout(m | new FeatureMask(1UL << 63)).Size;
        }));
        Assert.NotEqual(0, sink);
    }
}
