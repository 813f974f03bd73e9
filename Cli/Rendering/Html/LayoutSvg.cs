using System.Text;
using Xsave.Contract;
using Xsave.Cli.Reports;
using static Xsave.Cli.Rendering.Html.HtmlText;

namespace Xsave.Cli.Rendering.Html;

/// <summary>
/// One XSAVE format drawn to scale as an SVG strip: a rectangle per component (its width proportional to its size,
/// the same bytes-per-pixel for every strip of a page so the formats compare), hatched gaps, a byte axis above, and
/// each component's name, offset and size inside its rectangle or, when it is too narrow, in a callout below.
/// </summary>
public static class LayoutSvg
{
    /// <summary>Width in SVG units of the largest format on the page.</summary>
    public const double FullWidth = 1280;
    private const double Margin = 12, AxisTop = 14, BarTop = 24, BarHeight = 48, RowHeight = 32, CharWidth = 6.7;
    private const int MaxRows = 20;

    /// <param name="format">"standard" or "compacted" (also the id suffix of the patterns and the data-format).</param>
    /// <param name="scaleBytes">The byte count that spans <see cref="FullWidth"/>: the largest total of the page.</param>
    public static string Render(string format, IReadOnlyList<Segment> segments, int totalSize, int scaleBytes)
    {
        double scale = FullWidth / Math.Max(1, scaleBytes);
        double width = totalSize * scale;
        var callouts = Callouts(segments, scale);
        int rows = callouts.Count == 0 ? 0 : callouts.Max(c => c.Row) + 1;
        double height = BarTop + BarHeight + 12 + rows * RowHeight + 6;

        var svg = new StringBuilder();
        svg.Append($"<svg class=\"layout\" data-format=\"{format}\" role=\"img\" " +
                   $"viewBox=\"0 0 {Coordinate(FullWidth + 2 * Margin)} {Coordinate(height)}\" " +
                   $"aria-label=\"{Escape(format)} format, {Integer(totalSize)} bytes\">\n");
        svg.Append(Patterns(format));
        svg.Append($"<g transform=\"translate({Coordinate(Margin)},0)\">\n");
        svg.Append(Axis(totalSize, scale));
        foreach (var s in segments) svg.Append(Rect(format, s, scale));
        svg.Append($"<rect class=\"frame\" x=\"0\" y=\"{Coordinate(BarTop)}\" width=\"{Coordinate(width)}\" height=\"{Coordinate(BarHeight)}\"/>\n");
        foreach (var s in segments.Where(s => Fits(s, scale))) svg.Append(InsideLabel(s, scale));
        foreach (var c in callouts) svg.Append(Callout(c));
        svg.Append("</g>\n</svg>\n");
        return svg.ToString();
    }

    public static string Name(Segment s) => s.Kind switch
    {
        SegmentKind.Component => ComponentCatalogue.ShortName(s.Component!.Index),
        SegmentKind.Padding => "align pad",
        SegmentKind.Header => "XSAVE header",
        _ => "unused",
    };

    private static string Details(Segment s) => $"@{Hex(s.Offset)} · {Integer(s.Size)} B";

    private static string Patterns(string format) =>
        "<defs>\n" +
        $"<pattern id=\"unused-{format}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">" +
        "<path d=\"M0 0h6v6h-6z\" fill=\"#eaeef2\"/><path d=\"M0 0v6\" stroke=\"#8c959f\" stroke-width=\"2\"/></pattern>\n" +
        $"<pattern id=\"pad-{format}\" patternUnits=\"userSpaceOnUse\" width=\"4\" height=\"4\" patternTransform=\"rotate(45)\">" +
        "<path d=\"M0 0h4v4h-4z\" fill=\"#ffebe9\"/><path d=\"M0 0v4\" stroke=\"#cf222e\" stroke-width=\"1.6\"/></pattern>\n" +
        "</defs>\n";

    /// <summary>Ticks with the offset in hex, as offsets are usually written (CPUID, the kernel's log).</summary>
    private static string Axis(int totalSize, double scale)
    {
        var axis = new StringBuilder();
        // The smallest power-of-two step of at least 64 bytes whose ticks stand 60 units apart.
        int step = 64;
        while (step * scale < 60) step *= 2;
        for (int at = 0; at <= totalSize; at += step)
        {
            var x = Coordinate(at * scale);
            axis.Append($"<line class=\"axis\" x1=\"{x}\" y1=\"{Coordinate(AxisTop + 2)}\" x2=\"{x}\" y2=\"{Coordinate(BarTop)}\"/>" +
                        $"<text class=\"axis\" x=\"{x}\" y=\"{Coordinate(AxisTop)}\" text-anchor=\"{(at == 0 ? "start" : at * scale > FullWidth - 24 ? "end" : "middle")}\">{Hex(at)}</text>\n");
        }
        return axis.ToString();
    }

    private static string Rect(string format, Segment s, double scale)
    {
        var (css, fill) = s.Kind switch
        {
            SegmentKind.Component => ($"component {Kind(s.Component!.Index)}{(s.Component.Index % 2 == 1 ? " shade" : "")}", ""),
            SegmentKind.Padding => ("gap pad", $" fill=\"url(#pad-{format})\""),
            SegmentKind.Header => ("header", " fill=\"#afb8c1\""),
            _ => ("gap unused", $" fill=\"url(#unused-{format})\""),
        };
        var data = s.Component is { } c
            ? $" data-index=\"{Integer(c.Index)}\" data-name=\"{Escape(Name(s))}\""
            : "";
        var what = s.Component is { } component ? $"{Name(s)} (bit {Integer(component.Index)})" : Name(s);
        return $"<rect class=\"{css}\" data-format=\"{format}\"{data} data-offset=\"{Integer(s.Offset)}\" data-size=\"{Integer(s.Size)}\"" +
               $" x=\"{Coordinate(s.Offset * scale)}\" y=\"{Coordinate(BarTop)}\" width=\"{Coordinate(s.Size * scale)}\" height=\"{Coordinate(BarHeight)}\"{fill}>" +
               $"<title>{Escape(what)}: offset {DecimalAndHex(s.Offset)}, {Integer(s.Size)} bytes</title></rect>\n";
    }

    /// <summary>The colour family: the component's kind in the catalogue of SPEC R1 (a fact, not a computation).</summary>
    private static string Kind(int index) => ComponentCatalogue.Find(index)?.Kind switch
    {
        ComponentKind.Legacy => "legacy",
        ComponentKind.User => "user",
        ComponentKind.Supervisor => "supervisor",
        _ => "other",
    };

    private static double TextWidth(Segment s) => Math.Max(Name(s).Length, Details(s).Length) * CharWidth;

    private static bool Fits(Segment s, double scale) => s.Size * scale >= TextWidth(s) + 10;

    private static string InsideLabel(Segment s, double scale)
    {
        double x = (s.Offset + s.Size / 2.0) * scale;
        var css = s.Kind == SegmentKind.Component ? "inside" : "gap-inside";
        return $"<text class=\"{css}\" x=\"{Coordinate(x)}\" y=\"{Coordinate(BarTop + 20)}\" text-anchor=\"middle\">{Escape(Name(s))}</text>" +
               $"<text class=\"{css}\" x=\"{Coordinate(x)}\" y=\"{Coordinate(BarTop + 35)}\" text-anchor=\"middle\">{Escape(Details(s))}</text>\n";
    }

    private sealed record Placed(Segment Segment, double Anchor, double Left, double Right, int Row);

    /// <summary>
    /// Callouts for the segments too narrow to hold their label: rows below the bar, each label starting at its
    /// segment's centre. Placed from right to left, each in the first row where it overlaps no label and its leader
    /// line crosses no label above it and no deeper leader crosses it, so a cluster of small components reads as a
    /// staircase.
    /// </summary>
    private static List<Placed> Callouts(IReadOnlyList<Segment> segments, double scale)
    {
        var placed = new List<Placed>();
        foreach (var s in segments.Where(s => !Fits(s, scale)).OrderByDescending(s => s.Offset))
        {
            double anchor = (s.Offset + s.Size / 2.0) * scale;
            double w = TextWidth(s) + 6;
            double left = Math.Max(0, Math.Min(anchor - 2, FullWidth - w));
            double right = left + w;
            // Free: no label of the row in the way, no label above on this leader, no deeper leader through this label.
            bool Free(int row) =>
                !placed.Any(p => p.Row == row && p.Left < right + 8 && left < p.Right + 8) &&
                !placed.Any(p => p.Row < row && p.Left - 3 <= anchor && anchor <= p.Right + 3) &&
                !placed.Any(p => p.Row > row && left - 3 <= p.Anchor && p.Anchor <= right + 3);
            int chosen = Enumerable.Range(0, MaxRows).FirstOrDefault(Free, -1);
            if (chosen < 0) chosen = Enumerable.Range(0, MaxRows * 2).First(r => !placed.Any(p => p.Row == r && p.Left < right + 8 && left < p.Right + 8));
            placed.Add(new Placed(s, anchor, left, right, chosen));
        }
        return placed;
    }

    private static string Callout(Placed p)
    {
        double top = BarTop + BarHeight + 8 + p.Row * RowHeight;
        var css = p.Segment.Kind switch { SegmentKind.Padding => "pad-label", SegmentKind.Component => "label", _ => "gap-label" };
        double x = p.Left + 3;
        return $"<line class=\"leader\" x1=\"{Coordinate(p.Anchor)}\" y1=\"{Coordinate(BarTop + BarHeight)}\" x2=\"{Coordinate(p.Anchor)}\" y2=\"{Coordinate(top + 2)}\"/>" +
               $"<text class=\"{css}\" x=\"{Coordinate(x)}\" y=\"{Coordinate(top + 12)}\">{Escape(Name(p.Segment))}</text>" +
               $"<text class=\"{css} detail\" x=\"{Coordinate(x)}\" y=\"{Coordinate(top + 25)}\">{Escape(Details(p.Segment))}</text>\n";
    }
}
