using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>
/// Feature masks near the validity lattice (R8, R9): legal XCR0 values, single-bit flips of them (reserved bits and
/// bit 63 included), bundles half set, and now and then an arbitrary 64-bit value.
/// </summary>
public static class MaskGen
{
    /// <summary>Groups XSETBV enables together; within the CPU's support they give the legal XCR0 values.</summary>
    private static readonly FeatureMask[] Xcr0Groups =
    [
        FeatureMask.Of(XFeature.Sse),
        FeatureMask.Of(XFeature.Sse, XFeature.Ymm),
        ArchMasks.Mpx,
        ArchMasks.Avx512 | FeatureMask.Of(XFeature.Sse, XFeature.Ymm),
        FeatureMask.Of(XFeature.Pkru),
        ArchMasks.Xtile,
        FeatureMask.Of(XFeature.Apx),
        FeatureMask.Of(XFeature.Lwp),
    ];

    public static Gen<FeatureMask> Uniform { get; } =
        from hi in Gen.Choose(int.MinValue, int.MaxValue)
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        select new FeatureMask(((ulong)(uint)hi << 32) | (uint)lo);

    /// <summary>Any subset of <paramref name="mask"/>.</summary>
    public static Gen<FeatureMask> SubsetOf(FeatureMask mask)
    {
        var bits = mask.Indices().ToArray();
        return Gen.ArrayOf(Coin, bits.Length).Select(take =>
        {
            ulong subset = 0;
            for (int k = 0; k < bits.Length; k++)
                if (take[k]) subset |= 1UL << bits[k];
            return new FeatureMask(subset);
        });
    }

    // Made once: the masks of every generated case are drawn from it.
    private static readonly Gen<bool> Coin = Gen.Elements(true, false);

    /// <summary>A value XSETBV accepts on a CPU supporting <paramref name="supported"/> (x87 and whole groups).</summary>
    public static Gen<FeatureMask> LegalXcr0(FeatureMask supported)
    {
        var groups = Xcr0Groups.Where(g => g.IsSubsetOf(supported)).ToArray();
        var x87 = FeatureMask.Of(XFeature.Fp) & supported;
        return Gen.ArrayOf(Coin, groups.Length).Select(take =>
        {
            var value = x87;
            for (int k = 0; k < groups.Length; k++)
                if (take[k]) value |= groups[k];
            return value;
        });
    }

    /// <summary>A legal value with one bit flipped (any of the 64).</summary>
    public static Gen<FeatureMask> OneFlipFrom(Gen<FeatureMask> legal) =>
        from m in legal from bit in Gen.Choose(0, 63) select m ^ FeatureMask.Bit(bit);

    /// <summary>A legal value with one bundle (MPX, AVX-512, AMX) half set.</summary>
    public static Gen<FeatureMask> HalfBundleFrom(Gen<FeatureMask> legal) =>
        from m in legal
        from bundle in Gen.Elements(ArchMasks.Mpx, ArchMasks.Avx512, ArchMasks.Xtile)
        from bit in Gen.Elements(bundle.Indices().ToArray())
        select m.Except(bundle).With(bit);

    /// <summary>The XCR0 candidates the register laws use: mostly legal, often one step off, sometimes anything.</summary>
    public static Gen<FeatureMask> NearXcr0Lattice(FeatureMask supported)
    {
        var legal = LegalXcr0(supported);
        return Gen.Frequency(
            (5, legal),
            (3, OneFlipFrom(legal)),
            (2, HalfBundleFrom(legal)),
            (1, SubsetOf(supported)),
            (1, Uniform));
    }

    /// <summary>Shrinks toward fewer bits: clear everything, then clear one bit at a time from the top.</summary>
    public static IEnumerable<FeatureMask> Shrink(FeatureMask mask)
    {
        if (mask.IsEmpty) yield break;
        if (mask.Count > 1) yield return FeatureMask.None;
        foreach (int i in mask.Indices().Reverse()) yield return mask.Without(i);
    }
}
