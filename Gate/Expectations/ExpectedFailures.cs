using System.Text.Json;
using Xsave.Gate.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Expectations;

/// <summary>
/// The table of known findings (docs/findings/expected.json: {"expected_failures": [ExpectedFailure...]}) and its
/// application to a finished run: a divergence the table explains becomes an expected failure (it does not fail the
/// run, and every output says which finding it is); a property the table expects to fail that passed is marked
/// "fixed?"; anything else is left as it is, so a new failure still fails the run. A harness error is never expected.
/// </summary>
public static class ExpectedFailures
{
    public const string FileName = "expected.json";

    private sealed record Document(
        [property: System.Text.Json.Serialization.JsonPropertyName("expected_failures")] IReadOnlyList<ExpectedFailure>? Entries);

    /// <summary>The table in <paramref name="path"/>; a missing file is an empty table, a bad one an error.</summary>
    public static IReadOnlyList<ExpectedFailure>? Load(string path, out GateError? error)
    {
        error = null;
        if (!File.Exists(path)) return [];
        try
        {
            var doc = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), new JsonSerializerOptions { RespectRequiredConstructorParameters = true });
            var entries = doc?.Entries ?? throw new JsonException("no \"expected_failures\" array");
            foreach (var e in entries)
                if (e.FailureContains.Count == 0 || e.FailureContains.Any(string.IsNullOrEmpty))
                    throw new JsonException($"{e.Finding}: \"failure_contains\" needs at least one non-empty string (an entry must not swallow every failure of {e.Property})");
            return entries;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            error = new GateError($"expected-failure table: {e.Message.Split('\n')[0]}", path);
            return null;
        }
    }

    /// <summary>The report with each property matched against the entries that cover this implementation and version.</summary>
    public static CheckReport Apply(CheckReport report, IReadOnlyList<ExpectedFailure> table, string? version)
    {
        var covering = table.Where(e => e.Covers(report.Implementation, version)).ToList();
        if (covering.Count == 0) return report;
        return report with { Properties = report.Properties.Select(p => Match(p, covering)).ToList() };
    }

    public static PropertyReport Match(PropertyReport p, IReadOnlyList<ExpectedFailure> covering)
    {
        var mine = covering.Where(e => e.Property == p.Name).ToList();
        if (mine.Count == 0) return p;
        switch (p.Verdict)
        {
            case Verdict.Diverge:
                var message = p.Failure?.Message ?? p.Reason;
                return mine.FirstOrDefault(e => e.Explains(p.Name, message)) is { } hit
                    ? p with { Expectation = new ExpectationOutcome(hit, ExpectationStatus.StillFails) }
                    : p;
            case Verdict.Pass when p.Cases > 0:
                return p with { Expectation = new ExpectationOutcome(mine[0], ExpectationStatus.NotSeen) };
            default:
                return p;
        }
    }
}
