using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>Standard and compacted layouts and sizes (R12-R16; I1).</summary>
public static class LayoutLaws
{
    private static ConformanceProperty Law(string name, LawKind kind, string[] rules, ContractPart needs, string description,
        Func<PropertyContext, Arbitrary<CpuAndMask>> inputs, Func<PropertyContext, CpuAndMask, CaseResult> holds) =>
        new Law<CpuAndMask>(name, kind, rules, needs, description, inputs, InputCodecs.CpuAndMask, holds);

    private static ConformanceProperty Law(string name, LawKind kind, string[] rules, ContractPart needs, string description,
        Func<PropertyContext, Arbitrary<CpuAndNestedMasks>> inputs, Func<PropertyContext, CpuAndNestedMasks, CaseResult> holds) =>
        new Law<CpuAndNestedMasks>(name, kind, rules, needs, description, inputs, InputCodecs.CpuAndNestedMasks, holds);

    private static FeatureMask Xcr0Like(CpuModel cpu, ref SeededDraws d) => MaskDraws.NearXcr0Lattice(cpu.SupportedXcr0, ref d);

    /// <summary>Mostly (4 in 5) a subset of what the CPU enumerates, sometimes any value.</summary>
    private static FeatureMask AnyEnumerated(CpuModel cpu, ref SeededDraws d) =>
        d.Chance(4, 5) ? MaskDraws.SubsetOf(cpu.SupportedAll, ref d) : MaskDraws.Uniform(ref d);

    /// <summary>
    /// Masks with room above them: a subset of the components below the CPU's highest one (so one can be appended),
    /// sometimes (1 in 5) any enumerated subset. Drawn from the whole set, half the masks held the top component.
    /// </summary>
    private static FeatureMask BelowTheTop(CpuModel cpu, ref SeededDraws d) =>
        d.Chance(4, 5) ? MaskDraws.SubsetOf(cpu.SupportedAll.Without(cpu.SupportedAll.Highest), ref d)
            : MaskDraws.SubsetOf(cpu.SupportedAll, ref d);

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return Differential.Law("layout.standard.differential", ["R12", "R14", "I1"], ContractPart.Layout,
            "The standard layout (offset and size of every user component, total size) equals the oracle's.",
            ctx => InputGen.CpuAndMask(ctx, Xcr0Like), InputCodecs.CpuAndMask,
            (impl, x) => impl.Architecture(x.Cpu.Cpu).StandardLayout(x.Mask),
            (x, _) => Extended(x.Mask & x.Cpu.Cpu.SupportedXcr0).IsEmpty ? LegacyOnly : WithExtended)
            .Declares(new LawCoverage([WithExtended, LegacyOnly], MaxVacuousShare: 0));

        yield return Differential.Law("layout.compacted.differential", ["R15", "I1"], ContractPart.Layout,
            "The compacted layout for any XCOMP_BV equals the oracle's.",
            ctx => InputGen.CpuAndMask(ctx, AnyEnumerated), InputCodecs.CpuAndMask,
            (impl, x) => impl.Architecture(x.Cpu.Cpu).CompactedLayout(x.Mask),
            (x, _) => Alignment(x.Cpu.Cpu, x.Mask))
            .Declares(new LawCoverage([AlignedPlaced, UnalignedOnly], MaxVacuousShare: 0));

        yield return Differential.Law("layout.sizes.differential", ["R14", "R15", "R46", "I1"], ContractPart.Layout,
            "Standard and compacted sizes of any mask equal the oracle's.",
            ctx => InputGen.CpuAndMask(ctx, AnyEnumerated), InputCodecs.CpuAndMask,
            (impl, x) => new SizePair(impl.Architecture(x.Cpu.Cpu).StandardSize(x.Mask), impl.Architecture(x.Cpu.Cpu).CompactedSize(x.Mask)),
            (x, _) => HasHole(x.Cpu.Cpu, x.Mask) ? Hole : NoHole)
            .Declares(new LawCoverage([Hole, NoHole], MaxVacuousShare: 0));

        yield return Law("layout.size-monotonic", LawKind.Invariant, ["R14", "R15", "I1"], ContractPart.Layout,
            "A ⊆ B ⇒ size(A) ≤ size(B), in both formats.",
            ctx => InputGen.NestedMasks(ctx, cpu => cpu.SupportedAll), (ctx, x) =>
            {
                var a = ctx.Subject.Architecture(x.Cpu.Cpu);
                var property = Check.That(a.StandardSize(x.Small) <= a.StandardSize(x.Large), "standard size not monotonic")
                    .And(Check.That(a.CompactedSize(x.Small) <= a.CompactedSize(x.Large), "compacted size not monotonic"))
                    .In(x.Small == x.Large ? EqualMasks : StrictSubset);
                return x.Large.Overlaps(x.Cpu.Cpu.SupportedXss) ? property.In(WithSupervisor) : property;
            }).Declares(new LawCoverage([StrictSubset, WithSupervisor], MaxVacuousShare: 0));

        yield return Law("layout.compacted.aligned-and-disjoint", LawKind.Invariant, ["R15"], ContractPart.Layout,
            "Compacted components follow each other in ascending order from 576, never overlap, start on 64 bytes when ECX[1] says so, and the size is the last end.",
            ctx => InputGen.CpuAndMask(ctx, AnyEnumerated), (ctx, x) =>
            {
                var cpu = x.Cpu.Cpu;
                var layout = ctx.Subject.Architecture(cpu).CompactedLayout(x.Mask);
                var extended = layout.Placements.Where(p => p.Index >= 2).ToList();
                int end = XFeatures.ExtendedRegionStart;
                foreach (var p in extended)
                {
                    if (p.Offset < end) return Check.That(false, $"component {p.Index} at {p.Offset} overlaps the previous end {end}");
                    if (cpu.IsAligned64(p.Index) && p.Offset % 64 != 0) return Check.That(false, $"component {p.Index} at {p.Offset} is not 64-byte aligned");
                    end = p.End;
                }
                var property = Check.That(layout.Size == end, $"size {layout.Size} != last end {end}");
                if (extended.Any(p => cpu.IsAligned64(p.Index))) property = property.In(AlignedPlaced);
                return extended.Count >= 2 ? property.In(Several) : property;
            }).Declares(new LawCoverage([AlignedPlaced, Several], MaxVacuousShare: 0));

        yield return Law("layout.standard.size-is-max-end", LawKind.Invariant, ["R14"], ContractPart.Layout,
            "The standard size is the furthest end of any listed component, at least 576; the listed components are exactly the enumerated user bits of the mask.",
            ctx => InputGen.CpuAndMask(ctx, Xcr0Like), (ctx, x) =>
            {
                var cpu = x.Cpu.Cpu;
                var layout = ctx.Subject.Architecture(cpu).StandardLayout(x.Mask);
                int maxEnd = Math.Max(XFeatures.ExtendedRegionStart, layout.Placements.Select(p => p.End).DefaultIfEmpty(0).Max());
                var listed = layout.Placements.Aggregate(FeatureMask.None, (m, p) => m.With(p.Index));
                var property = Check.That(layout.Size == maxEnd, $"size {layout.Size} != max end {maxEnd}")
                    .And(Check.That(listed == (x.Mask & cpu.SupportedXcr0), $"listed {listed} != mask ∩ supported XCR0 {(x.Mask & cpu.SupportedXcr0)}"))
                    .In(Extended(x.Mask & cpu.SupportedXcr0).IsEmpty ? LegacyOnly : WithExtended);
                return x.Mask.IsSubsetOf(cpu.SupportedXcr0) ? property : property.In(Dropped);
            }).Declares(new LawCoverage([WithExtended, Dropped], MaxVacuousShare: 0));

        yield return Law("layout.compacted.append-invariance", LawKind.Metamorphic, ["R15"], ContractPart.Layout,
            "Adding a component numbered above every present one leaves every present component's compacted offset unchanged.",
            ctx => InputGen.CpuAndMask(ctx, BelowTheTop), (ctx, x) =>
            {
                var cpu = x.Cpu.Cpu;
                // The lowest extended component the CPU enumerates above every bit of the mask (bit 63 is no component).
                int top = x.Mask.Without(63).Highest;
                ulong above = cpu.SupportedAll.Bits & ~3UL & (top < 0 ? ulong.MaxValue : ~((2UL << top) - 1));
                if (above == 0) return Check.Vacuous("nothing to append");
                int next = System.Numerics.BitOperations.TrailingZeroCount(above);
                var a = ctx.Subject.Architecture(cpu);
                var before = a.CompactedLayout(x.Mask);
                var after = a.CompactedLayout(x.Mask.With(next));
                bool unmoved = true;
                foreach (var p in before.Placements) unmoved &= after.Find(p.Index) == p;
                return Check.That(unmoved,
                    $"appending {next} moved a component: {Check.Show(before.Placements)} -> {Check.Show(after.Placements)}").In("appended");
            }).Declares(new LawCoverage(["appended"], MaxVacuousShare: 0.25));

        yield return Law("layout.size-agrees-with-layout", LawKind.Invariant, ["R14", "R15"], ContractPart.Layout,
            "The size queries agree with the size of the full layouts.",
            ctx => InputGen.CpuAndMask(ctx, AnyEnumerated), (ctx, x) =>
            {
                var a = ctx.Subject.Architecture(x.Cpu.Cpu);
                var property = Check.Same("standard", a.StandardSize(x.Mask), a.StandardLayout(x.Mask).Size)
                    .And(Check.Same("compacted", a.CompactedSize(x.Mask), a.CompactedLayout(x.Mask).Size))
                    .In(Extended(x.Mask & x.Cpu.Cpu.SupportedAll).IsEmpty ? LegacyOnly : WithExtended);
                return x.Mask.Overlaps(x.Cpu.Cpu.SupportedXss) ? property.In(WithSupervisor) : property;
            }).Declares(new LawCoverage([WithExtended, WithSupervisor], MaxVacuousShare: 0));
    }

    // ---- branches (issue 16): what each law's cases reached --------------------------------------------------------

    private const string WithExtended = "extended components", LegacyOnly = "legacy region only",
        AlignedPlaced = "64-byte-aligned component placed", UnalignedOnly = "extended components, none aligned",
        Hole = "a supported component missing below the top one", NoHole = "no missing component below the top one",
        StrictSubset = "small ⊊ large", EqualMasks = "small = large", WithSupervisor = "supervisor component",
        Several = "two or more extended components", Dropped = "bits outside the supported XCR0 ignored";

    private static FeatureMask Extended(FeatureMask m) => m & ~FeatureMask.Of(XFeature.Fp, XFeature.Sse) & ~FeatureMask.Bit(63);

    private static string Alignment(CpuModel cpu, FeatureMask mask)
    {
        var present = Extended(mask & cpu.SupportedAll);
        if (present.IsEmpty) return LegacyOnly;
        for (ulong m = present.Bits; m != 0; m &= m - 1)
            if (cpu.IsAligned64(System.Numerics.BitOperations.TrailingZeroCount(m))) return AlignedPlaced;
        return UnalignedOnly;
    }

    /// <summary>Whether the compacted form skips something the standard one keeps room for (the sizes differ there).</summary>
    private static bool HasHole(CpuModel cpu, FeatureMask mask)
    {
        var present = Extended(mask & cpu.SupportedAll);
        if (present.IsEmpty) return false;
        ulong belowTop = (1UL << present.Highest) - 1;
        return (Extended(cpu.SupportedAll).Bits & belowTop & ~present.Bits) != 0;
    }

    /// <summary>Both sizes of one mask, compared together.</summary>
    public sealed record SizePair(int Standard, int Compacted);
}
