using System.Text.Json.Serialization;

namespace Xsave.Contract.Machine;

/// <summary>A run of bytes in an XSAVE buffer: <see cref="Length"/> bytes starting at <see cref="Offset"/>.</summary>
public readonly record struct ByteRange(int Offset, int Length)
{
    /// <summary>One past the last byte.</summary>
    [JsonIgnore] public int End => Offset + Length;

    public static ByteRange FromTo(int start, int end) => new(start, end - start);

    public bool Contains(int offset) => offset >= Offset && offset < End;

    public override string ToString() => Length == 0 ? $"{Offset}..(empty)" : $"{Offset}..{End - 1}";

    /// <summary>
    /// The runs of offsets where <paramref name="a"/> and <paramref name="b"/> differ, ascending. Offsets present in only
    /// one of them count as differing.
    /// </summary>
    public static IReadOnlyList<ByteRange> Differing(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var ranges = new List<ByteRange>();
        int length = Math.Max(a.Length, b.Length);
        int start = -1;
        for (int i = 0; i < length; i++)
        {
            bool differs = i >= a.Length || i >= b.Length || a[i] != b[i];
            if (differs && start < 0) start = i;
            if (!differs && start >= 0)
            {
                ranges.Add(FromTo(start, i));
                start = -1;
            }
        }
        if (start >= 0) ranges.Add(FromTo(start, length));
        return ranges;
    }

    /// <summary>
    /// For people: one difference per differing run (at most <paramref name="limit"/>, then a count of the rest), each
    /// showing the first bytes of both sides in hex.
    /// </summary>
    internal static IEnumerable<StateDifference> Describe(string what, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b,
        IReadOnlyList<ByteRange> ranges, int limit = 4)
    {
        var diffs = new List<StateDifference>();
        foreach (var r in ranges.Take(limit))
            diffs.Add(new($"{what} bytes {r}", Hex(a, r), Hex(b, r)));
        if (ranges.Count > limit)
            diffs.Add(new($"{what}", $"{ranges.Count - limit} more differing runs", "(not shown)"));
        return diffs;
    }

    private static string Hex(ReadOnlySpan<byte> bytes, ByteRange r)
    {
        if (r.Offset >= bytes.Length) return "(absent)";
        int end = Math.Min(Math.Min(r.End, bytes.Length), r.Offset + 8);
        var hex = Convert.ToHexString(bytes[r.Offset..end]).ToLowerInvariant();
        return end < Math.Min(r.End, bytes.Length) ? hex + "…" : hex;
    }
}
