using System.Text.Json.Serialization;
using Xsave.Gate.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Cli.Reports;

/// <summary>One property of a check run in the --json output.</summary>
public sealed record CheckPropertyJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("rules")] IReadOnlyList<string> Rules,
    [property: JsonPropertyName("result")] string Result,
    [property: JsonPropertyName("cases")] int Cases,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("regression_file")] string? RegressionFile,
    [property: JsonPropertyName("branches")] IReadOnlyDictionary<string, int>? Branches = null,
    [property: JsonPropertyName("expected_failure")] ExpectedFailureJson? ExpectedFailure = null);

/// <summary>The known finding a property was matched with: status "still-fails" (result "expected-failure") or
/// "fixed?" (result "passed": the finding did not show this run).</summary>
public sealed record ExpectedFailureJson(
    [property: JsonPropertyName("finding")] string Finding,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reproducer")] string? Reproducer);

public sealed record CheckSummaryJson(
    [property: JsonPropertyName("passed")] int Passed,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("skipped")] int Skipped,
    [property: JsonPropertyName("expected_failures")] int ExpectedFailures = 0);

/// <summary>
/// The answer of 'check --json': exactly one object, {"implementation", "seed", "properties": [...], "summary"}.
/// result is "passed", "failed", "skipped" or "expected-failure" (a divergence docs/findings/expected.json
/// explains: a known finding of the implementation, which does not fail the run; expected_failure names it); reason says why a property failed or was skipped (else null);
/// regression_file is the file documenting a failure (new or already known), else null.
/// </summary>
public sealed record CheckJson(
    [property: JsonPropertyName("implementation")] string Implementation,
    [property: JsonPropertyName("seed")] ulong Seed,
    [property: JsonPropertyName("properties")] IReadOnlyList<CheckPropertyJson> Properties,
    [property: JsonPropertyName("summary")] CheckSummaryJson Summary)
{
    public static CheckJson From(CheckReport report) => new(
        report.Implementation,
        report.Seed,
        report.Properties.Select(p => new CheckPropertyJson(p.Name, p.Rules, p.IsExpectedFailure ? ExpectedFailureResult : Result(p.Verdict), p.Cases,
            Math.Round(p.Elapsed.TotalSeconds, 3), p.Reason, p.Regression?.File,
            p.Branches is { Count: > 0 } b ? new SortedDictionary<string, int>(b.ToDictionary(), StringComparer.Ordinal) : null,
            p.Expectation is { } x ? new ExpectedFailureJson(x.Entry.Finding, x.Entry.Title, x.Entry.Kind,
                p.IsExpectedFailure ? "still-fails" : "fixed?", x.Entry.Reproducer) : null)).ToList(),
        new CheckSummaryJson(report.Passed, report.Failed, report.Skipped, report.ExpectedFailures));

    public const string ExpectedFailureResult = "expected-failure";

    public static string Result(Verdict verdict) => verdict.Result();
}
