using Spectre.Console;
using Xsave.Cli.Commands;
using Xsave.Cli.Reports;
using Xsave.Gate.Regressions;
using Xsave.Properties.Comparison;

namespace Xsave.Cli.Rendering;

/// <summary>The replay table: one row per file, then how each failing one fails.</summary>
public static class ReplayView
{
    public static void Render(CliContext context, ReplayJson report, IReadOnlyList<ReplayResult> results)
    {
        var console = Consoles.For(context);
        if (report.Files.Count == 0)
        {
            console.WriteLine(report.Corpus is null ? "replay: no files given" : $"replay: no regression files in {GateOptions.Display(report.Corpus)}");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("file").AddColumn("property").AddColumn("result").AddColumn("note");
        foreach (var f in report.Files)
            table.AddRow(Consoles.Plain(GateOptions.Display(f.File)), Consoles.Plain(f.Property ?? "-"), Result(f.Result), Consoles.Plain(Note(f)));
        console.Write(table);

        foreach (var r in results.Where(r => r.Verdict.Fails()))
        {
            console.Write(Consoles.Plain($"{Path.GetFileName(r.File)} still fails against {r.Implementation}:\n", new Style(Color.Red)));
            foreach (var line in (r.Message ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)) console.WriteLine($"  {line.TrimEnd()}");
        }
        var s = report.Summary;
        var verdict = s.Errors > 0 ? "ERROR" : s.Failed > 0 ? "FAILED" : "PASSED";
        console.WriteLine($"{report.Files.Count} files against {report.Implementation}: {s.Passed} passed, {s.Failed} failed, " +
                          $"{s.Skipped} skipped, {s.Errors} unreadable. Replay {verdict}.");
    }

    private static string Note(ReplayFileJson f) => f.Result switch
    {
        "passed" => "agrees with the oracle",
        "failed" => f.SameAsRecorded switch { true => "fails as recorded", false => "fails, with another answer than recorded", _ => "fails" },
        _ => f.Reason ?? "",
    };

    private static Text Result(string result) => result switch
    {
        "passed" => Consoles.Plain("passed", new Style(Color.Green)),
        "failed" => Consoles.Plain("FAILED", new Style(Color.Red)),
        "error" => Consoles.Plain("ERROR", new Style(Color.Red)),
        _ => Consoles.Plain(result, new Style(Color.Yellow)),
    };
}
