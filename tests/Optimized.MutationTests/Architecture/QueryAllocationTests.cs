namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// Issue 16's requirement on the optimized queries: size and validity queries, repeated layout queries and rejected-XCR0
/// checks allocate nothing (the kernel computes its tables once at boot). Measured with the thread's allocation counter
/// over repeated queries after a first, warming one. Accepted XSS/XFD values return the shared verdict.
/// </summary>
public class QueryAllocationTests
{
    private const int Rounds = 200;

    private static long Allocated(Action body)
    {
        body(); // JIT, static initialisation and the first (building) query outside the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++) body();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    public static TheoryData<string> Cpus() => [Corpus.SapphireRapids, "amd-genoa-a10f11"];

    [Theory]
    [MemberData(nameof(Cpus))]
    public void RepeatedQueries_AllocateNothing(string id)
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == id);
        var arch = Subjects.Optimized.Architecture(cpu);
        ulong all = cpu.SupportedXcr0.Bits | cpu.SupportedXss.Bits;
        ulong xfd = XfdCapable(cpu);
        long sink = 0;
        Assert.Equal(0, Allocated(() =>
        {
            sink += arch.StandardSize(new(all)) + arch.CompactedSize(new(all)) + arch.CompactedSize(new(all & ~0x4UL));
            sink += arch.StandardLayout(new(all)).Size + arch.CompactedLayout(new(all | (1UL << 63))).Size;
            sink += arch.CheckXcr0(new(cpu.SupportedXcr0.Bits)).Rejections.Count;
            sink += arch.CheckXcr0(new(0x4)).Rejections.Count;             // refused: x87 missing, AVX without SSE
            sink += arch.CheckXcr0(new(0x1 | (1UL << 62))).Rejections.Count; // refused: unsupported bit
            sink += arch.CheckXss(new(cpu.SupportedXss.Bits)).Rejections.Count + arch.CheckXss(FeatureMask.None).Rejections.Count;
            sink += arch.CheckXfd(new(xfd)).Rejections.Count + arch.CheckXfd(FeatureMask.None).Rejections.Count;
        }));
        Assert.NotEqual(0, sink);
    }

    private static ulong XfdCapable(CpuModel cpu) =>
        Enumerable.Range(2, 61).Where(cpu.IsXfdCapable).Aggregate(0UL, (m, i) => m | (1UL << i));
}
