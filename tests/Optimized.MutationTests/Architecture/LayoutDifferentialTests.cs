using Xsave.Contract.Layouts;
using Xsave.Optimized.Architecture;

namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// R12-R15 sizes and layouts of the optimized implementation equal the oracle's, for every corpus CPU and the masks of
/// <see cref="MaskSamples"/>. Each layout is asked twice: the second answer comes from the optimized layout cache.
/// </summary>
public class LayoutDifferentialTests
{
    [Fact]
    public void StandardSize_EqualsTheOracles()
    {
        foreach (var cpu in Subjects.DistinctXsaveCpus)
        {
            var (subject, reference) = Subjects.Pair(cpu);
            foreach (ulong m in MaskSamples.For(cpu))
                Same(cpu, "standard size", m, reference.StandardSize(new(m)), subject.StandardSize(new(m)));
        }
    }

    [Fact]
    public void CompactedSize_EqualsTheOracles()
    {
        foreach (var cpu in Subjects.DistinctXsaveCpus)
        {
            var (subject, reference) = Subjects.Pair(cpu);
            foreach (ulong m in MaskSamples.For(cpu))
                Same(cpu, "compacted size", m, reference.CompactedSize(new(m)), subject.CompactedSize(new(m)));
        }
    }

    [Fact]
    public void StandardLayout_EqualsTheOracles_AlsoFromTheCache()
    {
        foreach (var cpu in Subjects.DistinctXsaveCpus)
        {
            var (subject, reference) = Subjects.Pair(cpu);
            foreach (ulong m in MaskSamples.For(cpu, randomCount: 16))
            {
                var expected = reference.StandardLayout(new(m));
                AssertSame(cpu, "standard", m, expected, subject.StandardLayout(new(m)));
                AssertSame(cpu, "standard (asked again)", m, expected, subject.StandardLayout(new(m)));
            }
        }
    }

    [Fact]
    public void CompactedLayout_EqualsTheOracles_AlsoFromTheCache()
    {
        foreach (var cpu in Subjects.DistinctXsaveCpus)
        {
            var (subject, reference) = Subjects.Pair(cpu);
            foreach (ulong m in MaskSamples.For(cpu, randomCount: 16))
            {
                var expected = reference.CompactedLayout(new(m));
                AssertSame(cpu, "compacted", m, expected, subject.CompactedLayout(new(m)));
                AssertSame(cpu, "compacted (asked again)", m, expected, subject.CompactedLayout(new(m)));
            }
        }
    }

    // Messages are built only on a mismatch: these loops make some 10^5 comparisons per run.
    private static void Same(CpuModel cpu, string question, ulong mask, int expected, int actual)
    {
        if (expected != actual) Assert.Fail($"{cpu.Id} {question} of 0x{mask:x}: oracle {expected}, optimized {actual}");
    }

    /// <summary>The table's per-component offset (what the kernel side of the optimized implementation places components
    /// with, xfeature_get_offset) equals the oracle's compacted placement of that component.</summary>
    [Fact]
    public void CompactedOffsetOfEachComponent_EqualsTheOraclesPlacement()
    {
        foreach (var cpu in Subjects.DistinctXsaveCpus)
        {
            var tables = ((OptimizedCpuArchitecture)Subjects.Optimized.Architecture(cpu)).Tables;
            var reference = Subjects.Oracle.Architecture(cpu);
            foreach (ulong m in MaskSamples.For(cpu, randomCount: 16))
                foreach (var p in reference.CompactedLayout(new(m)).Placements)
                    Same(cpu, $"compacted offset of component {p.Index} in", m, p.Offset, tables.CompactedOffset(m & ~(1UL << 63), p.Index));
        }
    }

    private static void AssertSame(CpuModel cpu, string format, ulong mask, XsaveLayout expected, XsaveLayout actual)
    {
        if (!expected.Equals(actual))
            Assert.Fail($"{cpu.Id} {format} layout of 0x{mask:x}:\n oracle    {Describe(expected)}\n optimized {Describe(actual)}");
    }

    private static string Describe(XsaveLayout l) =>
        $"{l.Format} {l.Components} size {l.Size}: " + string.Join(' ', l.Placements.Select(p => $"{p.Index}@{p.Offset}+{p.Size}"));
}
