using System.Globalization;
using System.Numerics;

namespace Xsave.Contract;

/// <summary>
/// A 64-bit set of state components, as held by XCR0, IA32_XSS, IA32_XFD, XSTATE_BV, XCOMP_BV and Linux's masks.
/// A value type so masks read as sets (<c>a.IsSubsetOf(b)</c>) rather than as bit arithmetic.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Serialization.FeatureMaskJsonConverter))]
public readonly record struct FeatureMask(ulong Bits) : IComparable<FeatureMask>
{
    public static readonly FeatureMask None = new(0);
    public static readonly FeatureMask All = new(ulong.MaxValue);

    public static FeatureMask Bit(int index) =>
        index is >= 0 and < 64 ? new(1UL << index) : throw new ArgumentOutOfRangeException(nameof(index));

    public static FeatureMask Of(params XFeature[] features)
    {
        ulong bits = 0;
        foreach (var f in features) bits |= 1UL << (int)f;
        return new(bits);
    }

    /// <summary>Bits lo..hi inclusive.</summary>
    public static FeatureMask Range(int lo, int hi)
    {
        ulong bits = 0;
        for (int i = lo; i <= hi; i++) bits |= 1UL << i;
        return new(bits);
    }

    public static FeatureMask FromHalves(uint low, uint high) => new(((ulong)high << 32) | low);

    public bool IsEmpty => Bits == 0;
    public int Count => BitOperations.PopCount(Bits);
    public bool Contains(XFeature feature) => Contains((int)feature);
    public bool Contains(int index) => index is >= 0 and < 64 && (Bits & (1UL << index)) != 0;
    public bool IsSubsetOf(FeatureMask other) => (Bits & ~other.Bits) == 0;
    public bool Overlaps(FeatureMask other) => (Bits & other.Bits) != 0;

    public FeatureMask With(XFeature feature) => new(Bits | (1UL << (int)feature));
    public FeatureMask With(int index) => new(Bits | (1UL << index));
    public FeatureMask Without(XFeature feature) => new(Bits & ~(1UL << (int)feature));
    public FeatureMask Without(int index) => new(Bits & ~(1UL << index));
    public FeatureMask Except(FeatureMask other) => new(Bits & ~other.Bits);

    /// <summary>Set bit numbers in ascending order.</summary>
    public IEnumerable<int> Indices()
    {
        for (int i = 0; i < 64; i++)
            if ((Bits & (1UL << i)) != 0) yield return i;
    }

    /// <summary>Highest set bit, or -1 for the empty set.</summary>
    public int Highest => Bits == 0 ? -1 : 63 - BitOperations.LeadingZeroCount(Bits);

    public static FeatureMask operator |(FeatureMask a, FeatureMask b) => new(a.Bits | b.Bits);
    public static FeatureMask operator &(FeatureMask a, FeatureMask b) => new(a.Bits & b.Bits);
    public static FeatureMask operator ^(FeatureMask a, FeatureMask b) => new(a.Bits ^ b.Bits);
    public static FeatureMask operator ~(FeatureMask a) => new(~a.Bits);

    public int CompareTo(FeatureMask other) => Bits.CompareTo(other.Bits);

    /// <summary>Lowercase hex with 0x prefix, the form every JSON output and regression file uses.</summary>
    public string ToHex() => "0x" + Bits.ToString("x", CultureInfo.InvariantCulture);

    public override string ToString() => ToHex();

    /// <summary>Parses a hex mask, with or without the 0x prefix ("0x2e7", "2E7"); at most 16 digits.</summary>
    public static bool TryParseHex(string? text, out FeatureMask mask)
    {
        mask = None;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        s = s.Replace("_", "", StringComparison.Ordinal);
        if (s.Length is 0 or > 16) return false;
        if (!ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits)) return false;
        mask = new(bits);
        return true;
    }

    /// <summary>Names of the set bits, e.g. "x87|SSE|AVX", for people.</summary>
    public string Describe()
    {
        if (Bits == 0) return "-";
        var names = new System.Text.StringBuilder();
        for (ulong m = Bits; m != 0; m &= m - 1)
            names.Append(names.Length == 0 ? "" : "|").Append(ComponentCatalogue.ShortName(System.Numerics.BitOperations.TrailingZeroCount(m)));
        return names.ToString();
    }
}
