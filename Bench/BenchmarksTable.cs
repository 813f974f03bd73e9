using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using Xsave.BenchCore;

namespace Xsave.Bench;

/// <summary>
/// The BENCHMARKS.md table from one BenchmarkDotNet summary: mean ns/op and allocated bytes/op of each implementation
/// per operation, oracle/optimized (how many times faster the optimized one is), and for the size and validity
/// queries optimized/bare lookup. Every ratio comes from this one run.
/// </summary>
public static class BenchmarksTable
{
    private sealed record Cell(double MeanNs, long? AllocatedBytes);

    public static string Markdown(Summary summary)
    {
        var cells = new Dictionary<string, Cell>();
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is not { } stats) continue;
            var name = (string)report.BenchmarkCase.Parameters["Case"];
            cells[name] = new Cell(stats.Mean, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase));
        }

        var lookup = cells.GetValueOrDefault(BenchSubjects.CaseName(OperationCatalogue.BareLookupName, BenchSubjects.Baseline));
        var text = new StringBuilder();
        text.AppendLine("| operation | oracle ns/op | optimized ns/op | oracle/optimized | optimized/bare lookup | oracle B/op | optimized B/op |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var notes = new List<string>();
        foreach (var op in OperationCatalogue.All)
        {
            var oracle = cells.GetValueOrDefault(BenchSubjects.CaseName(op.Name, BenchSubjects.Oracle));
            var optimized = cells.GetValueOrDefault(BenchSubjects.CaseName(op.Name, BenchSubjects.Optimized));
            foreach (var (impl, cell) in new[] { (BenchSubjects.Oracle, oracle), (BenchSubjects.Optimized, optimized) })
                if (cell is null)
                    notes.Add($"- {op.Name}, {impl}: {BenchSubjects.Prepare(op.Name, impl).Unavailable ?? "no result in this run"}");
            text.AppendLine(string.Join(" | ", [
                "| " + op.Name,
                Ns(oracle), Ns(optimized),
                oracle is not null && optimized is not null ? Times(oracle.MeanNs / optimized.MeanNs) : "n/a",
                op.LookupTarget && optimized is not null && lookup is not null ? Times(optimized.MeanNs / lookup.MeanNs) : "",
                Bytes(oracle), Bytes(optimized) + " |",
            ]));
        }
        text.AppendLine($"| {OperationCatalogue.BareLookupName} (baseline) | | {Ns(lookup)} | | 1x | | {Bytes(lookup)} |");
        if (notes.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Not measured:");
            foreach (var note in notes) text.AppendLine(note);
        }
        return text.ToString();
    }

    private static string Ns(Cell? cell) => cell is null ? "n/a" : cell.MeanNs.ToString(cell.MeanNs < 100 ? "0.00" : "N0", CultureInfo.InvariantCulture);

    private static string Bytes(Cell? cell) => cell?.AllocatedBytes is { } b ? b.ToString(CultureInfo.InvariantCulture) : cell is null ? "n/a" : "?";

    private static string Times(double ratio) => ratio.ToString(ratio >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + "x";
}
