using System.Text.Json.Serialization;

namespace Xsave.Gate.Expectations;

/// <summary>
/// One known finding of an implementation under test (issue 13): a failure of <see cref="Property"/> on an
/// implementation whose name matches <see cref="Implementation"/> (a glob: '*', '?'), at a version in
/// [<see cref="MinVersion"/>, <see cref="BelowVersion"/>), whose failure message contains every string of
/// <see cref="FailureContains"/>, is the finding <see cref="Finding"/> (docs/findings.md) and not a new failure.
/// </summary>
public sealed record ExpectedFailure
{
    [JsonPropertyName("finding")] public required string Finding { get; init; }
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("implementation")] public required string Implementation { get; init; }
    [JsonPropertyName("property")] public required string Property { get; init; }
    [JsonPropertyName("failure_contains")] public required IReadOnlyList<string> FailureContains { get; init; }
    /// <summary>The lowest version (dotted numbers) with the finding; null: every version the name matches.</summary>
    [JsonPropertyName("min_version")] public string? MinVersion { get; init; }
    /// <summary>The first version known not to have it; null: not known to be fixed.</summary>
    [JsonPropertyName("below_version")] public string? BelowVersion { get; init; }
    /// <summary>"emulator bug" or "suite limitation": what kind of finding it is (docs/findings.md says why).</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    /// <summary>A minimal reproducer (a regression file under docs/findings/), relative to the repository.</summary>
    [JsonPropertyName("reproducer")] public string? Reproducer { get; init; }

    /// <summary>"F4: title" — how reports name it.</summary>
    public string Label => $"{Finding}: {Title}";

    /// <summary>Whether the entry is about this implementation at this version (null version: unknown, never in range
    /// of an entry that names a range).</summary>
    public bool Covers(string implementation, string? version) =>
        Selection.PropertyFilter.Matches(Implementation, implementation)
        && (MinVersion is null || (version is not null && DottedVersion.Compare(version, MinVersion) >= 0))
        && (BelowVersion is null || (version is not null && DottedVersion.Compare(version, BelowVersion) < 0));

    /// <summary>Whether a failure with this message is this finding.</summary>
    public bool Explains(string property, string? message) =>
        string.Equals(property, Property, StringComparison.Ordinal)
        && message is not null && FailureContains.All(s => message.Contains(s, StringComparison.Ordinal));
}

/// <summary>What became of an expected failure in one run.</summary>
public enum ExpectationStatus
{
    /// <summary>The property failed as the finding says: reported as an expected failure, not a failure.</summary>
    StillFails,
    /// <summary>The property passed though a finding is recorded for it: reported ("fixed?"), the run is not failed
    /// (a random run may just not have reached it), the table should be looked at.</summary>
    NotSeen,
}

/// <summary>The finding a property's result was matched with, and how.</summary>
public sealed record ExpectationOutcome(ExpectedFailure Entry, ExpectationStatus Status)
{
    public string Note => Status == ExpectationStatus.StillFails
        ? $"expected failure ({Entry.Label})"
        : $"fixed? expected failure {Entry.Finding} did not show ({Entry.Title})";
}
