using Spectre.Console;
using Xsave.Cli.Reports;
using Xsave.Contract;

namespace Xsave.Cli.Rendering;

/// <summary>
/// The 'layout' table: every component of XCR0|XSS with its standard and compacted offset and size, the way the
/// kernel logs them at boot (print_xstate_offset_size), in decimal with the hex in brackets.
/// </summary>
public static class LayoutView
{
    public static void Render(CliContext context, LayoutReport report)
    {
        var console = Consoles.For(context);
        console.WriteLine($"{report.Cpu}  {report.Name}");
        console.WriteLine($"XCR0      {report.Xcr0,-20} {Describe(report.Xcr0)}");
        console.WriteLine($"IA32_XSS  {report.Xss,-20} {Describe(report.Xss)}");
        if (report.Valid) console.WriteLine("valid     yes");
        else
        {
            console.Write(Consoles.Plain("valid     no\n", new Style(Color.Red)));
            foreach (var error in report.Errors) console.WriteLine($"  {error}");
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("bit").AddColumn("component")
            .AddColumn(new TableColumn("standard offset").RightAligned()).AddColumn(new TableColumn("size").RightAligned())
            .AddColumn(new TableColumn("compacted offset").RightAligned()).AddColumn(new TableColumn("size").RightAligned());
        var standard = report.Standard.Components.ToDictionary(c => c.Index);
        var compacted = report.Compacted?.Components.ToDictionary(c => c.Index) ?? [];
        foreach (int index in standard.Keys.Union(compacted.Keys).Order())
        {
            var s = standard.GetValueOrDefault(index);
            var c = compacted.GetValueOrDefault(index);
            table.AddRow(index.ToString(), ComponentCatalogue.ShortName(index),
                s is null ? "-" : Number(s.Offset), s is null ? "-" : Number(s.Size),
                c is null ? "-" : Number(c.Offset), c is null ? "-" : Number(c.Size));
        }
        table.AddRow("", "total size", Number(report.Standard.Size), "",
            report.Compacted is null ? "no XSAVEC" : Number(report.Compacted.Size), "");
        console.Write(table);
        if (report.Compacted is not null) console.WriteLine($"XCOMP_BV  {report.Compacted.XcompBv}  (XCR0|XSS with bit 63, as XSAVEC/XSAVES write it)");
    }

    private static string Number(int n) => $"{n} (0x{n:x})";

    private static string Describe(string hex) => FeatureMask.TryParseHex(hex, out var mask) ? mask.Describe() : "";
}
