namespace Xsave.Contract.Layouts;

/// <summary>The two formats of an XSAVE area (SPEC R14, R15): selected by XCOMP_BV bit 63.</summary>
public enum XsaveFormat
{
    Standard,
    Compacted,
}

/// <summary>Where one component lives in an XSAVE area. x87 and SSE report their legacy-region bytes (0/160).</summary>
public readonly record struct ComponentPlacement(int Index, int Offset, int Size)
{
    public int End => Offset + Size;
    public XFeature Feature => (XFeature)Index;
}

/// <summary>
/// A complete layout: every component of <see cref="Components"/> with its offset and size, in ascending component
/// number, and the size of the whole area (legacy region and header included).
/// </summary>
public sealed record XsaveLayout(XsaveFormat Format, FeatureMask Components, int Size, IReadOnlyList<ComponentPlacement> Placements)
{
    public ComponentPlacement? Find(int index)
    {
        foreach (var p in Placements)
            if (p.Index == index) return p;
        return null;
    }

    public bool Equals(XsaveLayout? other) =>
        other is not null && Format == other.Format && Components == other.Components && Size == other.Size &&
        SamePlacements(Placements, other.Placements);

    // By index, not SequenceEqual: the two sides' lists are of different types (an array, a List), and laws compare
    // layouts every case.
    private static bool SamePlacements(IReadOnlyList<ComponentPlacement> a, IReadOnlyList<ComponentPlacement> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
            if (a[i] != b[i]) return false;
        return true;
    }

    public override int GetHashCode() => HashCode.Combine(Format, Components, Size, Placements.Count);
}
