using Xsave.Properties.Comparison;
using Spectre.Console;
using Xsave.Cli.Commands;
using Xsave.Gate.Regressions;

namespace Xsave.Cli.Rendering;

/// <summary>
/// One regression case for a person: what law, how it was found, the input (readable, then as stored), the event
/// sequence, and the oracle's answer next to the implementation's. Differing fields are marked '≠' (and red on a
/// terminal); long answers show only the differing fields.
/// </summary>
public static class ExplainView
{
    private const int AllFieldsUpTo = 60;

    public static void Render(CliContext context, Explanation e)
    {
        var console = Consoles.For(context);
        var r = e.Record;
        Line(console, "file", GateOptions.Display(e.File));
        Line(console, "property", $"{e.Property.Name}  ({string.Join(", ", e.Property.Rules)})");
        Line(console, "", e.Property.Description);
        Line(console, "found", Found(r));
        Line(console, "input", e.InputText);
        Line(console, "events", e.Events.Count == 0 ? "none (this law's input is one case, not a sequence)" : $"{e.Events.Count}");
        for (int i = 0; i < e.Events.Count; i++) Line(console, "", $"{i + 1,3}. {e.Events[i]}");
        if (e.Recomputed)
            Line(console, "now", $"{e.ObservedBy}: {(e.Verdict is { } v ? v.Result() : "?")}");
        var failure = (e.Failure ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < failure.Length; i++) Line(console, i == 0 ? "failure" : "", failure[i].TrimEnd());

        console.WriteLine();
        console.WriteLine("input as stored:");
        console.Write(Consoles.Plain("  " + ReadableJson.Write(e.Record.Input, "  ") + "\n"));
        console.WriteLine();

        if (e.Fields.Count == 0 || e.Fields.All(f => f.Expected is null && f.Observed is null) ||
            (e.Fields.Count == 1 && e.Fields[0] is { Expected: "null", Observed: "null" }))
        {
            console.WriteLine("This law has no structured answer to compare; its failure above says what went wrong.");
            return;
        }
        var differing = e.Differing.Count();
        var shown = e.Fields.Count <= AllFieldsUpTo ? e.Fields : e.Differing.ToList();
        console.WriteLine($"oracle (expected) vs {e.ObservedBy} (observed{(e.Recomputed ? ", now" : ", as recorded")}): " +
                          $"{differing} of {e.Fields.Count} fields differ");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("").AddColumn("field").AddColumn("oracle").AddColumn(e.ObservedBy);
        var marked = new Style(Color.Red, decoration: Decoration.Bold);
        foreach (var f in shown)
        {
            var style = f.Differs ? marked : Style.Plain;
            table.AddRow(Consoles.Plain(f.Differs ? "≠" : "", style), Consoles.Plain(f.Path, style),
                Consoles.Plain(f.Expected ?? "(absent)", style), Consoles.Plain(f.Observed ?? "(absent)", style));
        }
        console.Write(table);
        if (shown.Count < e.Fields.Count) console.WriteLine($"({e.Fields.Count - shown.Count} equal fields not shown; --json lists all)");
    }

    private static string Found(RegressionRecord r)
    {
        var parts = new List<string> { $"{r.Implementation ?? "?"} vs {r.Reference ?? "oracle"}" };
        if (r.RunSeed is { } run) parts.Add($"run seed {run}");
        if (r.PropertySeed is { } seed) parts.Add($"property seed {seed}");
        if (r.Round is { } round) parts.Add($"round {round}");
        if (r.Size is { } size) parts.Add($"size {size}");
        if (r.Cases is { } cases) parts.Add($"after {cases} cases");
        if (r.Shrinks is { } shrinks) parts.Add($"{shrinks} shrinks");
        if (r.Date is { } date) parts.Add(date.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
        if (r.Tool is { } tool) parts.Add(tool);
        return string.Join(", ", parts);
    }

    private static void Line(IAnsiConsole console, string label, string text) =>
        console.Write(Consoles.Plain($"{label,-9} {text}\n"));
}
