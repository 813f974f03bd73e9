using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Xsave.Gate.Regressions;

namespace Xsave.Cli.Reports;

/// <summary>One leaf field of the two answers: expected (oracle) and observed (implementation) as text.</summary>
public sealed record ExplainFieldJson(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("expected")] string? Expected,
    [property: JsonPropertyName("observed")] string? Observed,
    [property: JsonPropertyName("differs")] bool Differs);

/// <summary>The answer of 'explain --json'.</summary>
public sealed record ExplainJson(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("property")] string Property,
    [property: JsonPropertyName("rules")] IReadOnlyList<string> Rules,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("implementation")] string? Implementation,
    [property: JsonPropertyName("observed_by")] string ObservedBy,
    [property: JsonPropertyName("recomputed")] bool Recomputed,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("input_text")] string InputText,
    [property: JsonPropertyName("input")] JsonNode Input,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("failure")] string? Failure,
    [property: JsonPropertyName("fields")] IReadOnlyList<ExplainFieldJson> Fields)
{
    public static ExplainJson From(Explanation e) => new(
        e.File, e.Property.Name, e.Property.Rules, e.Property.Description, e.Record.Implementation, e.ObservedBy, e.Recomputed,
        e.Verdict is { } v ? ReplayJson.Result(v) : null,
        e.InputText, e.Record.Input.DeepClone(), e.Events, e.Failure,
        e.Fields.Select(f => new ExplainFieldJson(f.Path, f.Expected, f.Observed, f.Differs)).ToList());
}
