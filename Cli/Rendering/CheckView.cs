using System.Globalization;
using Spectre.Console;
using Xsave.Cli.Commands;
using Xsave.Cli.Reports;
using Xsave.Gate.Regressions;
using Xsave.Gate.Running;
using Xsave.Properties;
using Xsave.Properties.Comparison;

namespace Xsave.Cli.Rendering;

/// <summary>
/// The check run for people: a live progress bar on a terminal or one log line per property otherwise, then the
/// summary table (property, rules, cases, result, time), what to do about each failure, and a one-line verdict.
/// </summary>
public static class CheckView
{
    public static CheckReport WithProgress(CliContext context, CheckPlan plan, Func<IGateProgress, CheckReport> work)
    {
        var header = Header(plan);
        if (!context.OutIsTerminal)
        {
            context.Out.WriteLine(header);
            return work(new LogProgress(context.Out));
        }
        var console = Consoles.For(context);
        console.WriteLine(header);
        return console.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(progress => work(new LiveProgress(progress.AddTask("check", maxValue: Math.Max(1, plan.Properties.Count)))));
    }

    public static void Render(CliContext context, CheckReport report)
    {
        var console = Consoles.For(context);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("property").AddColumn("rules").AddColumn(new TableColumn("cases").RightAligned())
            .AddColumn("result").AddColumn(new TableColumn("time").RightAligned()).AddColumn("note");
        foreach (var p in report.Properties)
            table.AddRow(
                Consoles.Plain(p.Name),
                Consoles.Plain(Rules(p.Rules)),
                Consoles.Plain(p.Cases.ToString(CultureInfo.InvariantCulture)),
                p.IsExpectedFailure ? Consoles.Plain("expected failure", new Style(Color.Yellow)) : Result(p.Verdict),
                Consoles.Plain(Seconds(p.Elapsed)),
                Consoles.Plain(Note(p)));
        console.Write(table);

        foreach (var p in report.Properties.Where(p => p.Verdict.Fails()))
            WriteFailure(console, report, p, context.Verbose);
        foreach (var p in report.Properties.Where(p => p.Expectation is { Status: Gate.Expectations.ExpectationStatus.NotSeen }))
            console.Write(Consoles.Plain($"\n{p.Name}: {p.Expectation!.Note}: look at docs/findings/expected.json\n", new Style(Color.Yellow)));

        var verdict = report.Failed > 0 ? "FAILED" : report.Cancelled ? "INTERRUPTED" : "PASSED";
        var style = report.Failed > 0 ? new Style(Color.Red) : report.Cancelled ? new Style(Color.Yellow) : new Style(Color.Green);
        console.Write(Consoles.Plain(
            $"{report.Properties.Count} properties: {report.Passed} passed, {report.Failed} failed, {report.Skipped} skipped" +
            (report.ExpectedFailures > 0 ? $", {report.ExpectedFailures} expected failures (known findings)" : "") + " " +
            $"({report.Implementation} vs oracle, seed {report.Seed}{(report.Shard.Count > 1 ? $", shard {report.Shard}" : "")}, " +
            $"{Seconds(report.Elapsed)}). Gate {verdict}.\n", style));
    }

    private static void WriteFailure(IAnsiConsole console, CheckReport report, PropertyReport p, bool verbose)
    {
        console.WriteLine();
        console.Write(p.IsExpectedFailure
            ? Consoles.Plain($"{p.Name} {p.Expectation!.Note}\n", new Style(Color.Yellow))
            : Consoles.Plain($"{p.Name} {(p.Verdict == Verdict.HarnessError ? "ERROR (harness error: the check could not be made)" : "FAILED")}\n", new Style(Color.Red)));
        if (p.Failure is { } f)
        {
            console.WriteLine($"  input:    {f.InputText}");
            if (f.Message is not null)
                foreach (var line in f.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries)) console.WriteLine($"  {line.TrimEnd()}");
            console.WriteLine($"  found at: property seed {f.PropertySeed}, round {f.Round}, after {p.Cases} cases, {f.Shrinks} shrinks" +
                              (f.Replay is { } r ? $"; FsCheck replay (seed,gamma,size) = ({r.Seed},{r.Gamma},{r.Size})" : ""));
            if (f.Stack is { } stack)
            {
                if (verbose) foreach (var line in stack.Split('\n')) console.Write(Consoles.Plain($"  | {line.TrimEnd()}\n"));
                else console.WriteLine("  (rerun with --verbose for the implementation's stack trace)");
            }
        }
        else if (p.Reason is not null) console.WriteLine($"  {p.Reason}");
        if (p.Regression is { File: { } file } saved)
        {
            var shown = GateOptions.Display(file);
            console.WriteLine($"  saved:    {shown} ({(saved.Status == SaveStatus.Written ? "new" : "already known")})");
            console.WriteLine($"  replay:   ./run-conformance.sh replay {shown} --impl {GateOptions.ShellWord(report.Implementation)}");
            console.WriteLine($"  explain:  ./run-conformance.sh explain {shown}");
        }
        else if (p.Regression is { } problem)
            console.WriteLine($"  not saved: {problem.Path}: {problem.Message}");
    }

    /// <summary>A failure's note names its file; a long reason is cut (the failure section below has it whole).</summary>
    private static string Note(PropertyReport p) => p.Expectation is { } x ? (p.IsExpectedFailure ? x.Entry.Label : $"fixed? {x.Entry.Finding}") : p.Verdict switch
    {
        Verdict.Diverge or Verdict.HarnessError when p.Regression is { File: { } file } saved =>
            $"{(saved.Status == SaveStatus.Written ? "new" : "known")}: {Path.GetFileName(file)}",
        Verdict.Diverge or Verdict.HarnessError when p.Reason is { Length: > NoteWidth } reason => reason[..(NoteWidth - 1)] + "…",
        _ => p.Reason ?? "",
    };

    private const int NoteWidth = 60;

    /// <summary>The rules a law checks, the first few of a long list (--json lists all).</summary>
    private static string Rules(IReadOnlyList<string> rules) =>
        rules.Count <= 6 ? string.Join(" ", rules) : string.Join(" ", rules.Take(5)) + $" +{rules.Count - 5}";

    private static Text Result(Verdict verdict) => verdict switch
    {
        Verdict.Pass => Consoles.Plain("passed", new Style(Color.Green)),
        Verdict.Diverge => Consoles.Plain("FAILED", new Style(Color.Red)),
        Verdict.HarnessError => Consoles.Plain("ERROR", new Style(Color.Red)),
        _ => Consoles.Plain("skipped", new Style(Color.Yellow)),
    };

    private static string Header(CheckPlan plan) =>
        $"check: {plan.Properties.Count} properties against {plan.Subject.Name} (reference: oracle), seed {plan.Seed}" +
        (plan.Shard.Count > 1 ? $", shard {plan.Shard}" : "") +
        (plan.MaxTests is { } max ? $", up to {max} cases each" : "") +
        (plan.TimeBudget is { } budget ? $", time budget {budget.TotalSeconds:0.#} s" : "");

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>Plain log: one line per finished property (for CI logs and pipes).</summary>
    private sealed class LogProgress(TextWriter output) : IGateProgress
    {
        public void RunStarted(CheckPlan plan) { }
        public void PropertyStarted(ConformanceProperty property, int position, int total) { }
        public void CasesRun(ConformanceProperty property, int cases) { }

        public void PropertyFinished(PropertyReport report, int position, int total)
        {
            var width = total.ToString(CultureInfo.InvariantCulture).Length;
            output.WriteLine($"[{position.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{total}] " +
                             $"{CheckJson.Result(report.Verdict),-7} {report.Name} ({report.Cases} cases, {Seconds(report.Elapsed)})");
        }
    }

    /// <summary>Live display: one bar over the properties, naming the one running and its case count.</summary>
    private sealed class LiveProgress(ProgressTask task) : IGateProgress
    {
        private int _position;
        private int _total;

        public void RunStarted(CheckPlan plan) { }

        public void PropertyStarted(ConformanceProperty property, int position, int total)
        {
            (_position, _total) = (position, total);
            task.Description = Markup.Escape($"[{position}/{total}] {property.Name}");
        }

        public void CasesRun(ConformanceProperty property, int cases) =>
            task.Description = Markup.Escape($"[{_position}/{_total}] {property.Name}: {cases} cases");

        public void PropertyFinished(PropertyReport report, int position, int total) => task.Value = position;
    }
}
