using System.Text.Json.Nodes;
using Xsave.Properties.Comparison;

namespace Xsave.Scenarios.Running;

/// <summary>One step as the report shows it: what was expected, what each side observed, and the verdict.</summary>
/// <param name="Op">The operation in one line (e.g. "arch_prctl: p1 arch_prctl(ARCH_REQ_XCOMP_PERM, 18)").</param>
/// <param name="Expected">The written expectations (field: expected text), null when the step has none.</param>
/// <param name="Oracle">What the oracle produced: {"outcome": .., field: value, ..}.</param>
/// <param name="Implementation">The same for the implementation, or a "skipped: .." string.</param>
/// <param name="Stack">For a harness error, the crashed side's exception with its stack (shown with --verbose).</param>
public sealed record StepResult(int Index, int Line, string Op, JsonNode? Expected, JsonNode? Oracle, JsonNode? Implementation,
    Verdict Verdict, string? Reason, string? Stack = null);

/// <summary>One scenario file: pass when every step passes on both sides; not applicable when the implementation lacks a
/// part the scenario needs (the oracle still ran and its expectations held); diverge when a step broke an expectation
/// or the sides disagree; harness error when a side crashed, a step's input could not be built, or the file is malformed.</summary>
public sealed record ScenarioResult(string File, string? Source, Verdict Verdict, IReadOnlyList<StepResult> Steps, string? Error = null)
{
    public IEnumerable<StepResult> Failures => Steps.Where(s => s.Verdict.Fails());
}
