using Spectre.Console;
using Xsave.Cli.Kernel;
using Xsave.Cli.Reports;

namespace Xsave.Cli.Rendering;

/// <summary>The 'kernel' verb's table: one row per check, then the summary per group and in total.</summary>
public static class KernelView
{
    public static void Render(CliContext context, KernelReport report, bool all)
    {
        var console = Consoles.For(context);
        var h = report.Host;
        console.WriteLine(h.Available
            ? $"host: {h.Kernel}, {h.Cpu}, XCR0 {h.Xcr0}, XSS-supported {h.XssSupported}, KVM {h.Kvm}"
            : $"host: not probed ({h.Problem})");

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("group").AddColumn("check").AddColumn("result").AddColumn("expected").AddColumn("observed").AddColumn("reason");
        foreach (var c in report.Checks.Where(c => all || c.Result != "agree"))
        {
            var style = c.Result switch { "agree" => new Style(Color.Green), "disagree" => new Style(Color.Red), _ => new Style(Color.Yellow) };
            table.AddRow(Consoles.Plain(c.Group), Consoles.Plain(c.Name), Consoles.Plain(c.Result, style),
                Consoles.Plain(Short(c.Expected)), Consoles.Plain(Short(c.Observed)), Consoles.Plain(c.Reason ?? ""));
        }
        if (table.Rows.Count > 0) console.Write(table);
        if (!all) console.WriteLine("(agreeing checks hidden; --all lists them)");

        var groups = new Table().Border(TableBorder.Rounded).AddColumn("group")
            .AddColumn(new TableColumn("agree").RightAligned()).AddColumn(new TableColumn("disagree").RightAligned()).AddColumn(new TableColumn("skipped").RightAligned());
        foreach (var g in report.Checks.GroupBy(c => c.Group))
            groups.AddRow(g.Key, g.Count(c => c.Result == "agree").ToString(), g.Count(c => c.Result == "disagree").ToString(), g.Count(c => c.Result == "skipped").ToString());
        groups.AddRow("total", report.Summary.Agree.ToString(), report.Summary.Disagree.ToString(), report.Summary.Skipped.ToString());
        console.Write(groups);
    }

    private static string Short(string? s) => s is null ? "" : s.Length > 90 ? s[..90] + "…" : s;
}
