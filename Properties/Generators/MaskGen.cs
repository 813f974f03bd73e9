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

    public static Gen<FeatureMask> Uniform { get; } = SeededDraws.Seeds.Select(bits => new FeatureMask(bits));

    /// <summary>Any subset of <paramref name="mask"/>, each bit in it with probability 1/2 (one 64-bit draw: these
    /// generators are built per case, and an array of coin flips cost more to build than to draw).</summary>
    public static Gen<FeatureMask> SubsetOf(FeatureMask mask) =>
        mask.IsEmpty ? Gen.Constant(FeatureMask.None) : SeededDraws.Seeds.Select(bits => Deposit(bits, mask));

    /// <summary>The low bits of <paramref name="bits"/> placed, in order, at the set bits of <paramref name="mask"/>
    /// (BMI2's PDEP): a random subset of the mask from random bits.</summary>
    public static FeatureMask Deposit(ulong bits, FeatureMask mask)
    {
        ulong result = 0;
        for (ulong m = mask.Bits; m != 0; m &= m - 1, bits >>= 1)
            if ((bits & 1) != 0) result |= m & (~m + 1);
        return new FeatureMask(result);
    }

    /// <summary>A value XSETBV accepts on a CPU supporting <paramref name="supported"/> (x87 and whole groups).</summary>
    public static Gen<FeatureMask> LegalXcr0(FeatureMask supported)
    {
        var legal = new LegalValues(supported);
        return SeededDraws.Seeds.Select(legal.From);
    }

    /// <summary>A legal value with one bit flipped (any of the 64).</summary>
    public static Gen<FeatureMask> OneFlipFrom(Gen<FeatureMask> legal) =>
        from m in legal from bit in Gen.Choose(0, 63) select m ^ FeatureMask.Bit(bit);

    /// <summary>A legal value with one bundle (MPX, AVX-512, AMX) half set.</summary>
    public static Gen<FeatureMask> HalfBundleFrom(Gen<FeatureMask> legal) =>
        from m in legal
        from bundle in Gen.Elements(HalfBundles)
        from bit in Gen.Elements(bundle.Indices().ToArray())
        select m.Except(bundle).With(bit);

    private static readonly FeatureMask[] HalfBundles = [ArchMasks.Mpx, ArchMasks.Avx512, ArchMasks.Xtile];

    /// <summary>
    /// The XCR0 candidates the register laws use: mostly legal (5 in 12), often one bit off (3), one bundle half set
    /// (2), sometimes any subset of the supported bits (1) or anything (1). From one seed: the generator is built per
    /// case, inside the CPU's bind, where five combinators cost more than the check.
    /// </summary>
    public static Gen<FeatureMask> NearXcr0Lattice(FeatureMask supported)
    {
        var legal = new LegalValues(supported);
        return SeededDraws.From(d => d.Below(12) switch
        {
            < 5 => legal.From(d.Next()),
            < 8 => legal.From(d.Next()) ^ FeatureMask.Bit(d.Below(64)),
            < 10 => HalfSet(legal.From(d.Next()), d.Pick(HalfBundles), d.Next()),
            < 11 => Deposit(d.Next(), supported),
            _ => new FeatureMask(d.Next()),
        });
    }

    /// <summary>The bundle cleared from <paramref name="value"/> but for one of its bits.</summary>
    private static FeatureMask HalfSet(FeatureMask value, FeatureMask bundle, ulong draw) =>
        value.Except(bundle) | Deposit(1UL << (int)(draw % (ulong)bundle.Count), bundle);

    /// <summary>The legal XCR0 values of a CPU: x87 (when supported) plus any of the whole groups it supports.</summary>
    private sealed class LegalValues
    {
        private readonly FeatureMask[] _groups;
        private readonly FeatureMask _x87;

        public LegalValues(FeatureMask supported)
        {
            _x87 = FeatureMask.Of(XFeature.Fp) & supported;
            var groups = new List<FeatureMask>(Xcr0Groups.Length);
            foreach (var g in Xcr0Groups)
                if (g.IsSubsetOf(supported)) groups.Add(g);
            _groups = [.. groups];
        }

        /// <summary>The groups whose bit in <paramref name="take"/> is set.</summary>
        public FeatureMask From(ulong take)
        {
            var value = _x87;
            for (int k = 0; k < _groups.Length; k++)
                if (((take >> k) & 1) != 0) value |= _groups[k];
            return value;
        }
    }

    /// <summary>Shrinks toward fewer bits: clear everything, then clear one bit at a time from the top.</summary>
    public static IEnumerable<FeatureMask> Shrink(FeatureMask mask)
    {
        if (mask.IsEmpty) yield break;
        if (mask.Count > 1) yield return FeatureMask.None;
        foreach (int i in mask.Indices().Reverse()) yield return mask.Without(i);
    }
}
