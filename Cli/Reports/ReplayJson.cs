using System.Text.Json.Serialization;
using Xsave.Gate;
using Xsave.Gate.Regressions;
using Xsave.Properties.Comparison;

namespace Xsave.Cli.Reports;

/// <summary>One replayed file. result: passed, failed, skipped, or error (the file is bad input; reason says why).</summary>
public sealed record ReplayFileJson(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("property")] string? Property,
    [property: JsonPropertyName("result")] string Result,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("same_as_recorded")] bool? SameAsRecorded);

public sealed record ReplaySummaryJson(
    [property: JsonPropertyName("passed")] int Passed,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("skipped")] int Skipped,
    [property: JsonPropertyName("errors")] int Errors);

/// <summary>The answer of 'replay --json'. corpus is the directory replayed, or null when files were named.</summary>
public sealed record ReplayJson(
    [property: JsonPropertyName("implementation")] string Implementation,
    [property: JsonPropertyName("corpus")] string? Corpus,
    [property: JsonPropertyName("files")] IReadOnlyList<ReplayFileJson> Files,
    [property: JsonPropertyName("summary")] ReplaySummaryJson Summary)
{
    public static ReplayJson From(string implementation, string? corpus, IReadOnlyList<ReplayResult> results, IReadOnlyList<GateError> errors) => new(
        implementation,
        corpus,
        results.Select(r => new ReplayFileJson(r.File, r.Property, Result(r.Verdict), OneLine(r.Message), r.SameAsRecorded))
            .Concat(errors.Select(e => new ReplayFileJson(e.File ?? "", null, "error", e.Message, null)))
            .ToList(),
        new ReplaySummaryJson(results.Count(r => r.Verdict == Verdict.Pass), results.Count(r => r.Verdict.Fails()),
            results.Count(r => r.Verdict == Verdict.NotApplicable), errors.Count));

    public static string Result(Verdict verdict) => verdict.Result();

    private static string? OneLine(string? text) =>
        text is null ? null : string.Join("; ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
