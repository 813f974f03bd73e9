using Xsave.Cli.Reports;

namespace Xsave.Cli.Rendering.Html;

public enum SegmentKind
{
    Component,
    /// <summary>Bytes no component of the report covers (e.g. the legacy region's reserved bytes, an absent component).</summary>
    Unused,
    /// <summary>A compacted-format gap of under 64 bytes before a 64-byte boundary: the alignment of SPEC R15.</summary>
    Padding,
    /// <summary>The XSAVE header, bytes 512-575 of both formats (SPEC R13).</summary>
    Header,
}

/// <summary>One stretch of a strip: a component of the report, or a gap between two of them.</summary>
public sealed record Segment(SegmentKind Kind, int Offset, int Size, ComponentEntry? Component = null)
{
    public int End => Offset + Size;
}

/// <summary>
/// Cuts a format's [0, total size) into the report's components and the gaps between them. Pure geometry over the
/// offsets and sizes the report gives: nothing is asked of the oracle. The only architectural constants are the fixed
/// places of SPEC R13: the XSAVE header at bytes 512-575, and 64-byte alignment for the padding of the compacted format.
/// </summary>
public static class LayoutSegments
{
    public const int HeaderOffset = 512;
    public const int HeaderSize = 64;
    public const int Alignment = 64;

    public static IReadOnlyList<Segment> Of(int totalSize, IReadOnlyList<ComponentEntry> components, bool compacted)
    {
        var segments = new List<Segment>();
        int cursor = 0;
        foreach (var c in components.OrderBy(c => c.Offset).ThenBy(c => c.Index))
        {
            if (c.Offset > cursor) segments.AddRange(Gap(cursor, c.Offset, compacted));
            segments.Add(new Segment(SegmentKind.Component, c.Offset, c.Size, c));
            cursor = Math.Max(cursor, c.Offset + c.Size);
        }
        if (totalSize > cursor) segments.AddRange(Gap(cursor, totalSize, compacted));
        return segments;
    }

    /// <summary>A gap, with the header cut out of it where it overlaps bytes 512-575.</summary>
    private static IEnumerable<Segment> Gap(int start, int end, bool compacted)
    {
        int headerEnd = HeaderOffset + HeaderSize;
        if (start < headerEnd && end > HeaderOffset)
        {
            if (start < HeaderOffset) yield return Plain(start, HeaderOffset, compacted);
            yield return new Segment(SegmentKind.Header, Math.Max(start, HeaderOffset), Math.Min(end, headerEnd) - Math.Max(start, HeaderOffset));
            if (end > headerEnd) yield return Plain(headerEnd, end, compacted);
        }
        else yield return Plain(start, end, compacted);
    }

    /// <summary>
    /// In the compacted format components follow each other without holes (R15) except where one is 64-byte aligned,
    /// so a short gap ending on a 64-byte boundary is that padding. Gaps of the standard format are unused bytes.
    /// </summary>
    private static Segment Plain(int start, int end, bool compacted) =>
        new(compacted && start >= HeaderOffset + HeaderSize && end - start < Alignment && end % Alignment == 0
            ? SegmentKind.Padding : SegmentKind.Unused, start, end - start);
}
