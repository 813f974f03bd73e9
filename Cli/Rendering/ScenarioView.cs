using Xsave.Scenarios.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Cli.Rendering;

/// <summary>The human form of a scenario run: one line per scenario, and for a failing one every failing step with why.</summary>
public static class ScenarioView
{
    public static void Render(CliContext context, string implementation, IReadOnlyList<ScenarioResult> results)
    {
        var o = context.Out;
        o.WriteLine($"scenarios: oracle vs {implementation}");
        foreach (var r in results)
        {
            var file = Commands.GateOptions.Display(r.File);
            o.WriteLine($"  {ScenarioReport.Name(r.Verdict).ToUpperInvariant(),-4}  {file}  ({r.Steps.Count} steps)");
            if (r.Error is not null) o.WriteLine($"        {r.Error}");
            if (r.Verdict == Verdict.NotApplicable && r.Steps.FirstOrDefault(s => s.Reason is not null) is { } sk) o.WriteLine($"        {sk.Reason}");
            foreach (var s in r.Failures)
            {
                o.WriteLine($"        step {s.Index} (line {s.Line}) {s.Op}");
                o.WriteLine($"          {s.Reason}");
                if (s.Stack is { } stack && context.Verbose) foreach (var line in stack.Split('\n')) o.WriteLine($"          | {line.TrimEnd()}");
            }
        }
        int pass = results.Count(r => r.Verdict == Verdict.Pass), fail = results.Count(r => r.Verdict.Fails()),
            skip = results.Count(r => r.Verdict == Verdict.NotApplicable), errors = results.Count(r => r.Verdict == Verdict.HarnessError);
        // Harness errors (a crash, a malformed file) fail the run: counted in "failed", and said.
        o.WriteLine($"{pass} passed, {fail} failed{(skip > 0 ? $", {skip} skipped" : "")}{(errors > 0 ? $" ({errors} of them harness errors)" : "")}");
    }
}
