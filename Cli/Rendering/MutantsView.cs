using System.Globalization;
using Spectre.Console;
using Xsave.Gate.Mutation;

namespace Xsave.Cli.Rendering;

/// <summary>The kill list as a table, and the progress of the trials (live on a terminal, one plain line otherwise).</summary>
public static class MutantsView
{
    public static T WithProgress<T>(CliContext context, int trials, Func<Action, T> work)
    {
        if (!context.OutIsTerminal)
        {
            context.Out.WriteLine($"mutants: {trials} trials");
            return work(() => { });
        }
        return Consoles.For(context).Progress().AutoClear(true).Start(progress =>
        {
            var task = progress.AddTask("mutants", maxValue: trials);
            var gate = new object();
            return work(() => { lock (gate) task.Increment(1); });
        });
    }

    public static void Render(CliContext context, MutationReport report, string? regressions)
    {
        var console = Consoles.For(context);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("mutant").AddColumn("caught").AddColumn("by").AddColumn(new TableColumn("cases").RightAligned())
            .AddColumn(new TableColumn("seconds").RightAligned()).AddColumn(new TableColumn("shrunk").RightAligned()).AddColumn("bug");
        foreach (var m in report.Mutants)
            table.AddRow(
                Consoles.Plain(m.Mutant.Id),
                m.Caught ? new Markup($"[green]{m.CaughtIn}/{m.SeedsAsked}[/]") : new Markup($"[red]{m.CaughtIn}/{m.SeedsAsked}[/]"),
                Consoles.Plain(m.Property ?? "-"),
                Consoles.Plain(Number(m.MedianCases, "0")),
                Consoles.Plain(Number(m.MedianSeconds, "0.00")),
                Consoles.Plain(m.MedianShrunkEvents is { } e ? $"{e:0.#} ev, {m.MedianShrunkComponents:0.#} comp" : "-"),
                Consoles.Plain(m.Mutant.Description));
        console.Write(table);
        console.WriteLine($"{report.Caught} of {report.Mutants.Count} mutants caught on every one of {report.Seeds.Count} seeds " +
                          $"in {report.Elapsed.TotalSeconds:0.#} s (medians over the seeds that caught each).");
        if (regressions is not null) console.WriteLine($"Shrunk counterexamples: {regressions}");
        if (report.Cancelled) context.Error.WriteLine("warning: interrupted; the trials that finished are shown");
    }

    private static string Number(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
