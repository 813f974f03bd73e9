using System.Text.Json;
using System.Text.Json.Nodes;
using Xsave.Properties;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Regressions;

/// <summary>
/// A regression case for a person: the law and its rules, the input (as the law prints it and as stored), the event
/// sequence when the input has one, and the expected answer next to the implementation's, field by field.
/// </summary>
public sealed record Explanation(
    string File,
    RegressionRecord Record,
    ConformanceProperty Property,
    string InputText,
    string InputJson,
    IReadOnlyList<string> Events,
    string ObservedBy,
    bool Recomputed,
    IReadOnlyList<FieldRow> Fields,
    string? Failure,
    Verdict? Verdict)
{
    public IEnumerable<FieldRow> Differing => Fields.Where(f => f.Differs);
}

public static class Explainer
{
    /// <summary>Names under which a law's input may hold its event sequence (Linux/KVM laws).</summary>
    private static readonly string[] EventFields = ["events", "operations", "ops", "steps", "sequence"];

    /// <summary>
    /// Explains a loaded case. With <paramref name="recompute"/> the implementation's side is asked again now (its
    /// subject); without, the answers recorded in the file are shown.
    /// </summary>
    public static Explanation Explain(RegressionCase loaded, PropertyContext? recompute = null)
    {
        var record = loaded.Record;
        JsonNode? observed = record.Observed, expected = record.Expected;
        string observedBy = record.Implementation ?? "the implementation";
        string? failure = record.Failure;
        Verdict? verdict = null;
        if (recompute is not null)
        {
            var replay = RegressionReplayer.Replay(loaded, recompute);
            verdict = replay.Verdict;
            var evidence = RegressionReplayer.Observe(loaded, recompute);
            observed = evidence?.Observed;
            expected = evidence?.Expected ?? expected;
            observedBy = recompute.Subject.Name;
            failure = replay.Message;
        }
        return new Explanation(loaded.File, record, loaded.Property,
            record.InputText ?? loaded.Input.ToString() ?? "",
            ReadableJson.Write(record.Input),
            Events(record.Input),
            observedBy,
            recompute is not null,
            JsonFieldDiff.Compare(expected, observed),
            failure,
            verdict);
    }

    /// <summary>An event as the law prints it: a string, an object's "text" field, or else its compact JSON.</summary>
    private static string Describe(JsonNode? e) => e switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o when o["text"] is JsonValue t && t.GetValueKind() == JsonValueKind.String => t.GetValue<string>(),
        _ => e?.ToJsonString() ?? "null",
    };

    private static IReadOnlyList<string> Events(JsonNode input)
    {
        if (input is not JsonObject o) return [];
        foreach (var name in EventFields)
            if (o[name] is JsonArray events)
                return events.Select(Describe).ToList();
        return [];
    }
}
