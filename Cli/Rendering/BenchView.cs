using System.Globalization;
using Spectre.Console;
using Xsave.BenchCore;

namespace Xsave.Cli.Rendering;

/// <summary>
/// The 'bench' table: ops per second of the oracle and the measured implementation (optimized unless --impl) per
/// operation, their ratio, and for the size and validity queries how far the measured one is from a bare table lookup.
/// Unsupported cells say why below the table.
/// </summary>
public static class BenchView
{
    public static T WithProgress<T>(CliContext context, Func<Action<string>, T> work)
    {
        if (!context.OutIsTerminal) return work(_ => { });
        return Consoles.For(context).Status().Start("bench", status => work(name => status.Status(Markup.Escape($"bench: {name}"))));
    }

    public static void Render(CliContext context, string cpu, string subject, TimeSpan measure, BenchResults results)
    {
        var console = Consoles.For(context);
        console.WriteLine($"bench on {cpu}: {measure.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s per implementation " +
                          "and operation after a warm-up; a quick in-process measurement (BENCHMARKS.md has the careful one)");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("operation")
            .AddColumn(new TableColumn("oracle ops/s").RightAligned())
            .AddColumn(new TableColumn($"{subject} ops/s").RightAligned())
            .AddColumn(new TableColumn($"{subject}/oracle").RightAligned())
            .AddColumn(new TableColumn($"lookup/{subject}").RightAligned());
        var notes = new List<string>();
        foreach (var o in results.Operations)
        {
            table.AddRow(Consoles.Plain(o.Operation.Name),
                Consoles.Plain(Cell(o.Oracle, "oracle", o.Operation.Name, notes)),
                Consoles.Plain(Cell(o.Optimized, subject, o.Operation.Name, notes)),
                Consoles.Plain(o.Ratio is { } r ? Times(r) : "n/a"),
                Consoles.Plain(o.Operation.LookupTarget && o.Optimized.OpsPerSecond is { } opt ? Times(results.BareLookupOpsPerSecond / opt) : ""));
        }
        table.AddRow(Consoles.Plain(OperationCatalogue.BareLookupName), Consoles.Plain(""),
            Consoles.Plain(Rate(results.BareLookupOpsPerSecond)), Consoles.Plain(""), Consoles.Plain("1x"));
        console.Write(table);
        console.WriteLine($"{subject}/oracle: how many times faster {subject} is (issue 4 target for optimized: at least 20x).");
        console.WriteLine($"lookup/{subject}: how many times slower a {subject} size or validity query is than a bare table lookup " +
                          "(target: at most 5x).");
        foreach (var note in notes) console.WriteLine(note);
    }

    private static string Cell(Measurement m, string implementation, string operation, List<string> notes)
    {
        if (m.OpsPerSecond is { } v) return Rate(v);
        notes.Add($"{operation}, {implementation}: {m.Unavailable}");
        return "n/a";
    }

    private static string Rate(double opsPerSecond) => opsPerSecond.ToString("N0", CultureInfo.InvariantCulture);

    private static string Times(double ratio) => ratio.ToString(ratio >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + "x";
}
