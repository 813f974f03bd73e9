using System.Text.Json.Nodes;
using Xsave.Properties.Comparison;

namespace Xsave.Scenarios.Running;

/// <summary>
/// The report of a run in the shape `scenario --json` prints: {"scenarios": [{"file", "verdict", "steps": [{"index", "op",
/// "expected", "oracle", "implementation", "verdict", "reason"}]}], "summary": {"pass", "fail"}}. Additions: a skipped
/// scenario has verdict "skip" (counted in summary.skip); a harness error (a crash, an input that cannot be built, a
/// malformed file) has verdict "error" (counted in summary.error), and a malformed file carries "error" (file:line:column).
/// </summary>
public static class ScenarioReport
{
    public static JsonObject ToJson(IReadOnlyList<ScenarioResult> results)
    {
        var scenarios = new JsonArray();
        foreach (var r in results)
        {
            var node = new JsonObject
            {
                ["file"] = r.File,
                ["verdict"] = Name(r.Verdict),
                ["steps"] = new JsonArray(r.Steps.Select(s => (JsonNode)new JsonObject
                {
                    ["index"] = s.Index,
                    ["op"] = s.Op,
                    ["expected"] = s.Expected?.DeepClone(),
                    ["oracle"] = s.Oracle?.DeepClone(),
                    ["implementation"] = s.Implementation?.DeepClone(),
                    ["verdict"] = Name(s.Verdict),
                    ["reason"] = s.Reason,
                }).ToArray()),
            };
            if (r.Error is not null) node["error"] = r.Error;
            scenarios.Add(node);
        }
        var summary = new JsonObject
        {
            ["pass"] = results.Count(r => r.Verdict == Verdict.Pass),
            ["fail"] = results.Count(r => r.Verdict == Verdict.Diverge),
        };
        int skipped = results.Count(r => r.Verdict == Verdict.NotApplicable);
        if (skipped > 0) summary["skip"] = skipped;
        int errors = results.Count(r => r.Verdict == Verdict.HarnessError);
        if (errors > 0) summary["error"] = errors;
        return new JsonObject { ["scenarios"] = scenarios, ["summary"] = summary };
    }

    public static string Name(Verdict v) => v switch
    {
        Verdict.Pass => "pass",
        Verdict.Diverge => "fail",
        Verdict.NotApplicable => "skip",
        Verdict.HarnessError => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(v), v, null),
    };
}
