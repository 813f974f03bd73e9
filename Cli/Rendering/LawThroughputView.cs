using System.Globalization;
using Spectre.Console;
using Xsave.Cli.Reports;

namespace Xsave.Cli.Rendering;

/// <summary>The gate's throughput per law and per family, as cases/s and as a ratio to FsCheck on a trivial property.</summary>
public static class LawThroughputView
{
    public static void Render(CliContext context, LawThroughputReport report)
    {
        var console = Consoles.For(context);
        console.WriteLine($"baseline {report.Baseline.Name}: {Rate(report.Baseline.CasesPerSecond)} cases/s (FsCheck's runner, same process, before and after the laws)");
        var families = new Table().Border(TableBorder.Rounded).AddColumn("family")
            .AddColumn(new TableColumn("cases/s").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned())
            .AddColumn(new TableColumn("target").RightAligned()).AddColumn("met");
        foreach (var f in report.Families)
            families.AddRow(Consoles.Plain(f.Family), Consoles.Plain(Rate(f.CasesPerSecond)), Consoles.Plain(Ratio(f.Ratio)),
                Consoles.Plain(f.Target is { } t ? "≥ " + Ratio(t) : "–"), Consoles.Plain(f.Met switch { true => "yes", false => "no", null => "–" }));
        console.Write(families);
        var laws = new Table().Border(TableBorder.Rounded).AddColumn("law").AddColumn("family")
            .AddColumn(new TableColumn("cases/s").RightAligned()).AddColumn(new TableColumn("baseline cases/s").RightAligned())
            .AddColumn(new TableColumn("ratio").RightAligned());
        foreach (var l in report.Laws.OrderBy(l => l.Ratio))
            laws.AddRow(Consoles.Plain(l.Name), Consoles.Plain(l.Family), Consoles.Plain(Rate(l.CasesPerSecond)),
                Consoles.Plain(Rate(l.BaselineCasesPerSecond)), Consoles.Plain(Ratio(l.Ratio)));
        console.Write(laws);
        console.WriteLine("ratio: the law's cases/s over the baseline's, measured in rounds alternating with the law's; a family's ratio is the harmonic mean of its laws' (issue 16 targets: architecture ≥ 1, kernel ≥ 0.12; instructions none).");
    }

    private static string Rate(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratio(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
