using System.Text;
using Xsave.Cli.Reports;
using Xsave.Contract;
using static Xsave.Cli.Rendering.Html.HtmlText;

namespace Xsave.Cli.Rendering.Html;

/// <summary>
/// The 'layout' page: the CPU, XCR0 and IA32_XSS (valid or not, with the reasons), both formats drawn to one scale,
/// and the table of components, all from the <see cref="LayoutReport"/> the console and JSON views print.
/// </summary>
public static class LayoutHtml
{
    public static string Render(LayoutReport report)
    {
        var body = new StringBuilder();
        body.Append($"<h1>XSAVE layout<span class=\"sub\">{Escape(report.Cpu)}</span></h1>\n");
        body.Append("<dl class=\"facts\">\n");
        body.Append(HtmlPage.Fact("CPU", $"<code>{Escape(report.Cpu)}</code> {Escape(report.Name)}"));
        body.Append(HtmlPage.Fact("XCR0", Mask(report.Xcr0)));
        body.Append(HtmlPage.Fact("IA32_XSS", Mask(report.Xss)));
        body.Append(HtmlPage.Fact("valid", report.Valid
            ? HtmlPage.Badge("pass", "valid")
            : HtmlPage.Badge("fail", "invalid") + "<ul class=\"errors\">" +
              string.Concat(report.Errors.Select(e => $"<li>{Escape(e)}</li>")) + "</ul>"));
        if (report.Compacted is { } xc)
            body.Append(HtmlPage.Fact("XCOMP_BV", $"<code>{Escape(xc.XcompBv)}</code> <span class=\"muted\">XCR0|XSS with bit 63, as XSAVEC/XSAVES write it</span>"));
        body.Append("</dl>\n");

        body.Append("<h2>Layouts to scale</h2>\n");
        body.Append("<div class=\"legend\"><span style=\"--c: var(--legacy)\">legacy (x87, SSE)</span>" +
                    "<span style=\"--c: var(--user)\">user (XCR0)</span><span style=\"--c: var(--supervisor)\">supervisor (IA32_XSS)</span>" +
                    "<span style=\"--c: #afb8c1\">XSAVE header</span><span class=\"hatch\">unused bytes</span>" +
                    "<span class=\"pad\">64-byte alignment padding (compacted)</span></div>\n");
        int scale = Math.Max(report.Standard.Size, report.Compacted?.Size ?? 0);
        body.Append(Strip("standard", "Standard format", "user components of XCR0 at their CPUID offsets", report.Standard.Size, report.Standard.Components, scale, compacted: false));
        if (report.Compacted is { } c)
            body.Append(Strip("compacted", "Compacted format", "XCR0|XSS packed in index order, aligned components on 64 bytes", c.Size, c.Components, scale, compacted: true));
        else
            body.Append("<p class=\"muted\">No compacted format: this CPU has no XSAVEC.</p>\n");

        body.Append("<h2>Components</h2>\n");
        body.Append(Table(report));
        return HtmlPage.Document($"XSAVE layout: {report.Cpu}", body.ToString());
    }

    private static string Mask(string hex) =>
        $"<code>{Escape(hex)}</code> <span class=\"muted\">{Escape(FeatureMask.TryParseHex(hex, out var mask) ? mask.Describe() : "")}</span>";

    private static string Strip(string format, string title, string note, int size, IReadOnlyList<ComponentEntry> components, int scale, bool compacted) =>
        $"<section class=\"strip\" id=\"{format}\"><h3>{title} <span class=\"muted\">— {Escape(DecimalAndHex(size))} bytes; {note}</span></h3>\n" +
        LayoutSvg.Render(format, LayoutSegments.Of(size, components, compacted), size, scale) + "</section>\n";

    private static string Table(LayoutReport report)
    {
        var standard = report.Standard.Components.ToDictionary(c => c.Index);
        var compacted = report.Compacted?.Components.ToDictionary(c => c.Index) ?? [];
        var table = new StringBuilder("<table class=\"components\">\n<thead><tr><th class=\"num\">bit</th><th>component</th>" +
            "<th class=\"num\">standard offset</th><th class=\"num\">size</th><th class=\"num\">compacted offset</th><th class=\"num\">size</th></tr></thead>\n<tbody>\n");
        foreach (int index in standard.Keys.Union(compacted.Keys).Order())
        {
            var s = standard.GetValueOrDefault(index);
            var c = compacted.GetValueOrDefault(index);
            table.Append($"<tr data-index=\"{Integer(index)}\"><td class=\"num\">{Integer(index)}</td><td>{Escape(ComponentCatalogue.ShortName(index))}</td>" +
                         $"{Cell(s?.Offset)}{Cell(s?.Size)}{Cell(c?.Offset)}{Cell(c?.Size)}</tr>\n");
        }
        table.Append($"<tr class=\"total\"><td></td><td>total size</td>{Cell(report.Standard.Size)}<td></td>" +
                     (report.Compacted is null ? "<td class=\"num muted\">no XSAVEC</td>" : Cell(report.Compacted.Size)) + "<td></td></tr>\n");
        return table.Append("</tbody>\n</table>\n").ToString();
    }

    private static string Cell(int? value) =>
        value is { } v ? $"<td class=\"num\">{Escape(DecimalAndHex(v))}</td>" : "<td class=\"num muted\">–</td>";
}
